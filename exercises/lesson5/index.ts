/** Lesson 5: the effect on accuracy, speed and memory. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/** Bytes per element for the formats this lesson uses. */
export const BYTES: Record<string, number> = { float32: 4, float16: 2, bfloat16: 2 };

/**
 * l5.q1: bytes to train `params` parameters with Adam under a policy: weights + gradients + Adam's two moments,
 * all in the variable format, plus a compute-format copy of the weights when the two formats differ.
 * Policies: { compute: 'float16' | 'bfloat16' | 'float32', variable: same choices }.
 *
 * Graded with only the library's `formats/round`, `formats/codec`, `formats/fields` and the package
 * `@tensorflow/tfjs` available: every other library module and package, and the platform's float16 conversions,
 * are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`, `formats/codec`, `formats/fields` 和 包 `@tensorflow/tfjs`；运行用例时，
 * 其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function adamTrainingBytes(params: number, policy: { compute: string; variable: string }): number {
  throw new NotImplementedError('l5.q1');
}

/**
 * l5.q2: arithmetic intensity (FLOPs per byte moved) of an m×k by k×n matmul reading A, B and writing C once.
 *
 * Graded with only the library's `formats/round`, `formats/codec`, `formats/fields` and the package
 * `@tensorflow/tfjs` available: every other library module and package, and the platform's float16 conversions,
 * are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`, `formats/codec`, `formats/fields` 和 包 `@tensorflow/tfjs`；运行用例时，
 * 其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function matmulIntensity(m: number, n: number, k: number, bytesPerElement: number): number {
  throw new NotImplementedError('l5.q2');
}

export interface LayerOption {
  name: string;
  params: number;
  /** Accuracy points lost when this layer runs in low precision. */
  drop: number;
}

/**
 * l5.q3: choose layers to run in low precision so that the total accuracy drop stays within `budget` points,
 * moving as many parameters as possible to low precision. Return that largest parameter count.
 *
 * Graded with only the library's `formats/round`, `formats/codec`, `formats/fields` and the package
 * `@tensorflow/tfjs` available: every other library module and package, and the platform's float16 conversions,
 * are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`, `formats/codec`, `formats/fields` 和 包 `@tensorflow/tfjs`；运行用例时，
 * 其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function maxLowPrecisionParams(layers: LayerOption[], budget: number): number {
  throw new NotImplementedError('l5.q3');
}

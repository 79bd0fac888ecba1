/** Lesson 5: the effect on accuracy, speed and memory. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/** Bytes per element for the formats this lesson uses. */
export const BYTES: Record<string, number> = { float32: 4, float16: 2, bfloat16: 2 };

/**
 * l5.q1: Memory for training with Adam under a policy
 * 在某个精度策略下用 Adam 训练所需的内存
 *
 * Bytes to train `params` parameters with Adam under a policy: weights + gradients + Adam's two moments, all in
 * the variable format, plus a compute-format copy of the weights when the two formats differ. Policies: {
 * compute: 'float16' | 'bfloat16' | 'float32', variable: same choices }.
 *
 * 在某个精度策略下用 Adam 训练 `params` 个参数所需的字节数：权重 + 梯度 + Adam 的两个动量，全部用变量格式；两种
 * 格式不同时，再加一份计算格式的权重副本。策略：{ compute: 'float16' | 'bfloat16' | 'float32', variable: 同上 }。
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
 * l5.q2: Arithmetic intensity of a matmul
 * 矩阵乘法的算术强度
 *
 * Arithmetic intensity (FLOPs per byte moved) of an m×k by k×n matmul reading A, B and writing C once.
 *
 * 一个 m×k 乘 k×n 的矩阵乘法的算术强度（每搬运一个字节对应的 FLOPs），A、B 各读一次，C 写一次。
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
 * l5.q3: Per-layer precision within an accuracy budget
 * 在精度损失预算内按层选择精度
 *
 * Choose layers to run in low precision so that the total accuracy drop stays within `budget` points, moving as
 * many parameters as possible to low precision. Return that largest parameter count.
 *
 * 选出若干层改用低精度，使准确率的总下降不超过 `budget` 个百分点，并让尽可能多的参数改为低精度。返回这个最大的参
 * 数个数。
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

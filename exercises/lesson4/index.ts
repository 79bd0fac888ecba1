/** Lesson 4: how a framework does it: loss scaling and master weights. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

export interface ScalerState {
  scale: number;
  goodSteps: number;
}

export interface ScalerConfig {
  growthFactor: number;
  backoffFactor: number;
  growthInterval: number;
}

/**
 * l4.q1: torch's GradScaler update after one step: back off and reset on inf/NaN; grow after growthInterval good steps.
 *
 * Graded with only the library's `formats/round`, `formats/codec`, `formats/fields` and the package
 * `@tensorflow/tfjs` available: every other library module and package, and the platform's float16 conversions,
 * are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`, `formats/codec`, `formats/fields` 和 包 `@tensorflow/tfjs`；运行用例时，
 * 其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function updateLossScale(state: ScalerState, foundInf: boolean, config: ScalerConfig): ScalerState {
  throw new NotImplementedError('l4.q1');
}

export interface MasterUpdate {
  master: number[];
  compute: number[];
}

/**
 * l4.q2: one SGD step with float32 master weights: master ← fl32(master − fl32(lr·grad)), then the float16 copy
 * the next forward pass uses: compute = round to float16 of the new master (roundValue(…, 'float16')).
 *
 * Graded with only the library's `formats/round`, `formats/codec`, `formats/fields` and the package
 * `@tensorflow/tfjs` available: every other library module and package, and the platform's float16 conversions,
 * are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`, `formats/codec`, `formats/fields` 和 包 `@tensorflow/tfjs`；运行用例时，
 * 其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function masterWeightStep(master: number[], grads: number[], lr: number): MasterUpdate {
  throw new NotImplementedError('l4.q2');
}

export interface Unscaled {
  grads: number[];
  finite: boolean;
}

/**
 * l4.q3: divide scaled gradients by the loss scale, and say whether every one is finite (else the step is skipped).
 *
 * Graded with only the library's `formats/round`, `formats/codec`, `formats/fields` and the package
 * `@tensorflow/tfjs` available: every other library module and package, and the platform's float16 conversions,
 * are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/round`, `formats/codec`, `formats/fields` 和 包 `@tensorflow/tfjs`；运行用例时，
 * 其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function unscaleGradients(scaled: number[], scale: number): Unscaled {
  throw new NotImplementedError('l4.q3');
}

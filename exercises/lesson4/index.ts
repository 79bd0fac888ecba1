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
 * l4.q1: The dynamic loss-scale update
 * 动态损失缩放的更新
 *
 * torch's GradScaler update after one step: back off and reset on inf/NaN; grow after growthInterval good steps.
 *
 * torch 的 GradScaler 在一步之后的更新：遇到 inf/NaN 时缩小并重置计数；连续 growthInterval 个正常步之后放大。
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
 * l4.q2: A master-weights update
 * 主权重的一次更新
 *
 * One SGD step with float32 master weights: master ← fl32(master − fl32(lr·grad)), then the float16 copy the
 * next forward pass uses: compute = round to float16 of the new master (roundValue(…, 'float16')).
 *
 * 用 float32 主权重做一步 SGD：master ← fl32(master − fl32(lr·grad))，再求下一次前向计算要用的 float16 副本：
 * compute = 新主权重舍入到 float16 的结果（roundValue(…, 'float16')）。
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
 * l4.q3: Unscale gradients and check them
 * 反缩放梯度并检查
 *
 * Divide scaled gradients by the loss scale, and say whether every one is finite (else the step is skipped).
 *
 * 把缩放过的梯度除以损失缩放因子，并判断是否全部有限（否则这一步要跳过）。
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

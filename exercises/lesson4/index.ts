/** Lesson 4: what a framework does for you under mixed precision: the loss scaler, master weights, unscaling, clipping. */

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
 * l4.q1: the loss scaler's state after one step, as PyTorch's GradScaler.update() leaves it. `goodSteps` counts
 * the steps in a row whose gradients were all finite since the scale last changed; `foundInf` says whether this
 * step's gradients held an inf or NaN. The scale is a float32, as torch keeps it in a float32 tensor.
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
 * l4.q2: one SGD step (w ← w − lr·grad) on float32 master weights, and the float16 copy of the new weights that the
 * next forward pass computes with. Every value the step stores is a float32.
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
 * l4.q3: the gradients of a loss that was multiplied by `scale`, brought back to the loss's own scale as float32
 * values, and whether the optimizer step may use them.
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

export interface Clipped {
  grads: number[][];
  totalNorm: number;
  finite: boolean;
}

/**
 * l4.q4: clip a model's gradients (one array per parameter tensor) as torch.nn.utils.clip_grad_norm_ does with
 * its default L2 norm, in float32: return the clipped gradients, the norm torch reports, and whether the step may
 * go ahead. A step whose norm is not finite must leave the gradients as they are, so that the loss scaler still
 * sees the overflow and skips it.
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 */
export function clipByGlobalNorm(grads: number[][], maxNorm: number): Clipped {
  throw new NotImplementedError('l4.q4');
}

/** The ops of the transformer block whose autocast rule can be kept or moved to float16. */
export type TableOp = 'softmax' | 'layer_norm' | 'cross_entropy' | 'add';

export interface BlockPrecisionChoice {
  /** The ops that keep the autocast table's rule; every other op of this list runs in float16. */
  keep: TableOp[];
  /** Scale q and k by √scale each before their product, instead of scaling the product. */
  scaleFirst: boolean;
}

/**
 * l4.q5 (open): the trained block of lesson 4, with a residual stream 512 times larger and q and k 256 times larger
 * (the same function in exact arithmetic), runs under mixed_float16. Choose which ops keep the autocast table's
 * rule, and where the attention scale goes, so that it still predicts what it predicts in float32, keeping as few
 * ops out of float16 as you can. Measure your choice with mp.stressBlock before you submit.
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 */
export function float32Ops(): BlockPrecisionChoice {
  throw new NotImplementedError('l4.q5');
}

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
 * l4.q1: The dynamic loss-scale update
 * 动态损失缩放的更新
 *
 * torch's GradScaler update after one step: back off and reset on inf/NaN; grow after growthInterval good steps.
 * goodSteps counts the steps in a row whose gradients were all finite since the scale last changed; foundInf
 * says whether this step's gradients held an inf or NaN. The scale is a float32, as torch keeps it.
 *
 * torch 的 GradScaler 在一步之后的更新：遇到 inf/NaN 时缩小并重置计数；连续 growthInterval 个正常步之后放大。
 * goodSteps 是自缩放因子上次改变以来梯度全部有限的连续步数；foundInf 表示这一步的梯度中是否有 inf 或 NaN。缩放因
 * 子和 torch 中一样是 float32。
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
 * One SGD step (w ← w − lr·grad) on float32 master weights, every value it stores a float32, then the float16
 * copy of the new weights that the next forward pass uses.
 *
 * 在 float32 主权重上做一步 SGD（w ← w − lr·grad），它存下的每个值都是 float32；再给出下一次前向传播使用的新权重
 * 的 float16 副本。
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
 * The gradients of a loss that was multiplied by `scale`, brought back to the loss's own scale as float32
 * values, and whether the optimizer step may use them.
 *
 * 损失曾乘以 `scale`：把它的梯度还原到损失本身的尺度（float32 值），并判断优化器这一步能否使用它们。
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
 * l4.q4: Clip by the global norm, as torch does
 * 像 torch 那样按全局范数裁剪
 *
 * Clip a model's gradients (one array per parameter tensor) as torch.nn.utils.clip_grad_norm_ does with its
 * default L2 norm, in float32: the clipped gradients, the norm torch reports, and whether the step may go ahead.
 * A step whose norm is not finite leaves the gradients as they are, so that the loss scaler still sees the
 * overflow and skips it.
 *
 * 像 torch.nn.utils.clip_grad_norm_ 使用默认 L2 范数时那样，在 float32 中裁剪模型的梯度（每个参数张量一个数
 * 组）：返回裁剪后的梯度、torch 报告的范数，以及这一步能否继续。范数不是有限值的一步让梯度保持原样，这样损失缩放
 * 器仍能看到上溢并跳过它。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
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
 * l4.q5: Which ops of the block stay in float32 under large activations
 * 激活值很大时，块中哪些算子要留在 float32
 *
 * Open task. Lesson 4's trained block, its residual stream ×512 and q and k ×256 (the same function in exact
 * arithmetic), runs under mixed_float16. Choose which ops keep the autocast table's rule and where the attention
 * scale goes, so that it still predicts what it predicts in float32, keeping as few ops out of float16 as you
 * can. Measure your choice before you submit: mp.evaluateBlock(block.rescaled({ residual: 512, queryKey: 256,
 * scaleFirst }), precision).
 *
 * 开放题。第 4 课训练好的块，残差流放大 512 倍、q 和 k 放大 256 倍（在精确算术中是同一个函数），在 mixed_float16
 * 下运行。选出哪些算子保留 autocast 表的规则、注意力缩放放在哪里，使它的预测仍与 float32 相同，并让留在 float16
 * 之外的算子尽可能少。提交前先测量你的选择：mp.evaluateBlock(block.rescaled({ residual: 512, queryKey: 256,
 * scaleFirst }), precision)。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function float32Ops(): BlockPrecisionChoice {
  throw new NotImplementedError('l4.q5');
}

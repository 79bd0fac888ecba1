/** Lesson 4: what a framework does for you under mixed precision: the loss scaler, master weights, unscaling, clipping. */
import { roundValue } from '../../src/mp/index'; // SOLUTION ONLY

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
 * l4.q1：按 PyTorch 的 GradScaler.update() 的方式，给出一步之后损失缩放器的状态。`goodSteps` 数的是自缩放因子上次改变
 * 以来、梯度全部为有限值的连续步数；`foundInf` 表示这一步的梯度中是否有 inf 或 NaN。缩放因子是 float32，因为 torch
 * 把它存放在 float32 张量中。
 */
export function updateLossScale(state: ScalerState, foundInf: boolean, config: ScalerConfig): ScalerState {
  // BEGIN SOLUTION l4.q1
  if (foundInf) return { scale: Math.fround(state.scale * config.backoffFactor), goodSteps: 0 };
  const goodSteps = state.goodSteps + 1;
  if (goodSteps === config.growthInterval)
    return { scale: Math.fround(state.scale * config.growthFactor), goodSteps: 0 };
  return { scale: state.scale, goodSteps };
  // END SOLUTION
}

export interface MasterUpdate {
  master: number[];
  compute: number[];
}

/**
 * l4.q2: one SGD step (w ← w − lr·grad) on float32 master weights, and the float16 copy of the new weights that the
 * next forward pass computes with. Every value the step stores is a float32.
 *
 * l4.q2：在 float32 主权重上做一步 SGD（w ← w − lr·grad），并给出下一次前向传播使用的新权重的 float16 副本。这一步存下的
 * 每个值都是 float32。
 */
export function masterWeightStep(master: number[], grads: number[], lr: number): MasterUpdate {
  // BEGIN SOLUTION l4.q2
  const next = master.map((w, i) => Math.fround(w - Math.fround(lr * grads[i]!)));
  return { master: next, compute: next.map((w) => roundValue(w, 'float16')) };
  // END SOLUTION
}

export interface Unscaled {
  grads: number[];
  finite: boolean;
}

/**
 * l4.q3: the gradients of a loss that was multiplied by `scale`, brought back to the loss's own scale as float32
 * values, and whether the optimizer step may use them.
 *
 * l4.q3：损失曾乘以 `scale`，把它的梯度还原到损失本身的尺度（float32 值），并判断优化器这一步能否使用它们。
 */
export function unscaleGradients(scaled: number[], scale: number): Unscaled {
  // BEGIN SOLUTION l4.q3
  const grads = scaled.map((g) => Math.fround(g / scale));
  return { grads, finite: grads.every((g) => Number.isFinite(g)) };
  // END SOLUTION
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
 * l4.q4：像 torch.nn.utils.clip_grad_norm_ 使用默认 L2 范数时那样，在 float32 中裁剪模型的梯度（每个参数张量一个数组）：
 * 返回裁剪后的梯度、torch 报告的范数，以及这一步能否继续。范数不是有限值的一步必须让梯度保持原样，这样损失缩放器仍能
 * 看到上溢并跳过它。
 */
export function clipByGlobalNorm(grads: number[][], maxNorm: number): Clipped {
  // BEGIN SOLUTION l4.q4
  const f = Math.fround;
  let squares = 0;
  for (const g of grads) for (const v of g) squares = f(squares + f(v * v));
  const totalNorm = f(Math.sqrt(squares));
  if (!Number.isFinite(totalNorm)) return { grads: grads.map((g) => [...g]), totalNorm, finite: false };
  const coef = Math.min(f(maxNorm / f(totalNorm + f(1e-6))), 1);
  return { grads: grads.map((g) => g.map((v) => f(v * coef))), totalNorm, finite: true };
  // END SOLUTION
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
 * ops out of float16 as you can. Measure your choice before you submit, with the pieces mp.stressBlock uses in
 * section 9: `mp.evaluateBlock(block.rescaled({ residual: 512, queryKey: 256, scaleFirst }), precision)`.
 *
 * l4.q5（开放题）：第 4 课训练好的块，残差流放大 512 倍、q 和 k 放大 256 倍（在精确算术中是同一个函数），在
 * mixed_float16 下运行。选出哪些算子保留 autocast 表的规则、注意力缩放放在哪里，使它的预测仍与 float32 相同，并让
 * 留在 float16 之外的算子尽可能少。提交前先用第 9 节 mp.stressBlock 所用的部件测量你的选择。
 */
export function float32Ops(): BlockPrecisionChoice {
  // BEGIN SOLUTION l4.q5
  return { keep: ['layer_norm'], scaleFirst: true };
  // END SOLUTION
}

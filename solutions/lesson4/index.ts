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
 * ops out of float16 as you can. Measure your choice with mp.stressBlock before you submit.
 */
export function float32Ops(): BlockPrecisionChoice {
  // BEGIN SOLUTION l4.q5
  return { keep: ['layer_norm'], scaleFirst: true };
  // END SOLUTION
}

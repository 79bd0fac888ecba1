/**
 * The low-precision training recipes trainMnistFp8 compares, as casts of a GEMM's three operands: its input (an
 * activation), its weight and its output gradient. A per-tensor recipe casts each tensor once per step; a block
 * recipe scales blocks along the dimension a GEMM sums over, so an operand read by two GEMMs (the input by the
 * forward GEMM and the weight-gradient GEMM, which sums over the batch) is cast once for each, as Transformer
 * Engine casts rowwise and columnwise copies. Each recipe's `emulates` says what it follows and what it leaves out.
 */
import * as tf from '@tensorflow/tfjs';
import { getFloatFormat, type FormatLike } from '../../mp/formats/registry';
import { fakeCast } from '../../mp/ops/quantize';
import { castWithCurrentScale } from '../../mp/ops/scaled_cast';
import { blockFp8CastTensor } from '../../mp/quant/block_fp8';
import { DelayedScaling, type DelayedScalingOptions, type ScaleTrace } from '../../mp/quant/fp8_scaling';
import { mxCastTensor } from '../../mp/quant/mx';
import { nvfp4CastTensor } from '../../mp/quant/nvfp4';

export const FP8_RECIPES = ['delayed', 'current', 'deepseek', 'mxfp8', 'nvfp4'] as const;
export type Fp8Recipe = (typeof FP8_RECIPES)[number];

/** A GEMM operand's axis that the GEMM sums over: 1 along each row (x in x·W), 0 down each column (x in xᵀ·dy). */
export type Along = 0 | 1;

/** How one operand role is cast under a recipe. */
export interface OperandCast {
  /** Training: x cast for a GEMM that sums along `along`. */
  cast(x: tf.Tensor2D, along: Along): tf.Tensor2D;
  /** Evaluation: the forward cast, recording nothing. */
  castFrozen(x: tf.Tensor2D, along: Along): tf.Tensor2D;
  /** Whether the cast depends on `along`: then each GEMM that reads the tensor casts it afresh. */
  readonly alongMatters: boolean;
  /** Element bits plus scale bits per value (a per-tensor float32 scale not counted). */
  readonly bitsPerValue: number;
}

export interface RecipeCasts {
  readonly input: OperandCast;
  readonly weight: OperandCast;
  readonly grad: OperandCast;
  /** The delayed-scaling casts, whose per-step statistics a step reads back. */
  readonly traced: readonly TracedCast[];
}

export interface RecipeSettings {
  readonly forwardFormat: FormatLike;
  readonly gradientFormat: FormatLike;
  readonly delayed: Omit<DelayedScalingOptions, 'format'>;
}

export const FP8_RECIPE_NOTES: Readonly<Record<Fp8Recipe, { readonly name: string; readonly emulates: string }>> = {
  delayed: {
    name: 'fp8 delayed scaling',
    emulates:
      "Transformer Engine's DelayedScaling (HYBRID): e4m3 inputs and weights, e5m2 output gradients, each " +
      "tensor's scale from its amax history (DelayedScaling); products accumulate in float32",
  },
  current: {
    name: 'fp8 current scaling',
    emulates:
      "Transformer Engine's Float8CurrentScaling (HYBRID): each tensor scaled by its own amax just before its cast",
  },
  deepseek: {
    name: 'fp8 1×128 and 128×128 blocks (DeepSeek-V3)',
    emulates:
      'DeepSeek-V3: e4m3 for every tensor, a scale per 1×128 tile of activations and gradients along each ' +
      "GEMM's inner dimension (128×1 for the weight gradient) and per 128×128 weight block; products here in " +
      'float32, not the 14-bit partial sums blockFp8MatMul models',
  },
  mxfp8: {
    name: 'MXFP8',
    emulates:
      "OCP MXFP8 as Transformer Engine's MXFP8BlockScaling: e4m3 for every tensor, a power-of-two scale per 32 " +
      "values along each GEMM's inner dimension, rounded up as TE rounds it so that no value saturates",
  },
  nvfp4: {
    name: 'NVFP4',
    emulates:
      "NVFP4 as Transformer Engine's NVFP4BlockScaling, without its Hadamard transform and stochastic rounding: " +
      "e2m1 for every tensor, an e4m3 scale per 16 values along each GEMM's inner dimension and per 16×16 weight " +
      'tile, a float32 scale per tensor',
  },
};

/** A cast that ignores `along` (per tensor, or 2-D blocks). */
function fixed(cast: (x: tf.Tensor2D) => tf.Tensor2D, bitsPerValue: number): OperandCast {
  return { cast, castFrozen: cast, alongMatters: false, bitsPerValue };
}

/** A cast in blocks along the summed dimension. */
function along(cast: (x: tf.Tensor2D, along: Along) => tf.Tensor2D, bitsPerValue: number): OperandCast {
  return { cast, castFrozen: cast, alongMatters: true, bitsPerValue };
}

/** The three operand casts of a recipe, for one layer; `layer` names the traces ('dense1'). */
export function recipeCasts(recipe: Fp8Recipe, layer: string, settings: RecipeSettings): RecipeCasts {
  const { forwardFormat, gradientFormat } = settings;
  switch (recipe) {
    case 'delayed': {
      const traced = (role: string, format: FormatLike): TracedCast =>
        new TracedCast(`${layer} ${role}`, { ...settings.delayed, format });
      const [input, weight, grad] = [
        traced('input', forwardFormat),
        traced('weight', forwardFormat),
        traced('output grad', gradientFormat),
      ];
      return { input, weight, grad, traced: [input, weight, grad] };
    }
    case 'current': {
      const current = (format: FormatLike): OperandCast =>
        fixed((x) => castWithCurrentScale(x, format) as tf.Tensor2D, getFloatFormat(format).bits);
      return {
        input: current(forwardFormat),
        weight: current(forwardFormat),
        grad: current(gradientFormat),
        traced: [],
      };
    }
    case 'deepseek': {
      const tiles = along((x, a) => blockFp8CastTensor(x, a === 1 ? [1, 128] : [128, 1]), 8 + 32 / 128);
      const weight = fixed((x) => blockFp8CastTensor(x, [128, 128]), 8 + 32 / 128 ** 2);
      return { input: tiles, weight, grad: tiles, traced: [] };
    }
    case 'mxfp8': {
      const blocks = along((x, a) => mxCastTensor(x, 'MXFP8_E4M3', a, 32, 'round-up'), 8 + 8 / 32);
      return { input: blocks, weight: blocks, grad: blocks, traced: [] };
    }
    case 'nvfp4': {
      const blocks = along((x, a) => nvfp4CastTensor(x, a === 1 ? [1, 16] : [16, 1]), 4 + 8 / 16);
      const weight = fixed((x) => nvfp4CastTensor(x, [16, 16]), 4 + 8 / 256);
      return { input: blocks, weight, grad: blocks, traced: [] };
    }
  }
}

/** A cast's statistics on the device (amax, saturated, underflow, underflowUnscaled), until the step is read. */
interface PendingCast {
  readonly stats: tf.Tensor1D;
  readonly scale: number;
  readonly historyAmax: number;
  readonly size: number;
}

/**
 * One tensor's delayed-scaling cast, traced: a DelayedScaling casts it on the device (castTensor), and once the
 * step's statistics are read back, record() gives the DelayedScaling the step's amax and runs its update, as
 * Transformer Engine does at the end of a step. The statistics stay on the device until then.
 */
export class TracedCast implements OperandCast {
  readonly scaler: DelayedScaling;
  readonly trace: ScaleTrace;
  readonly pending: PendingCast[] = [];
  readonly alongMatters = false;
  readonly bitsPerValue: number;

  constructor(tensor: string, options: DelayedScalingOptions) {
    this.scaler = new DelayedScaling(options);
    this.bitsPerValue = this.scaler.format.bits;
    this.trace = {
      tensor,
      format: this.scaler.format.name,
      amax: [],
      scale: [],
      historyAmax: [],
      saturated: [],
      underflow: [],
      underflowUnscaled: [],
    };
  }

  /** Training: cast with the delayed scale; the amax and the step's statistics wait in `pending` for record(). */
  cast(x: tf.Tensor2D): tf.Tensor2D {
    const { scale, reducedAmax: historyAmax, format } = this.scaler;
    const [y, stats] = tf.tidy(() => {
      const y = this.scaler.castTensor(x);
      const nonzero = tf.notEqual(x, 0);
      const count = (mask: tf.Tensor): tf.Tensor => tf.sum(tf.cast(mask, 'float32'));
      const unscaled = fakeCast(x, format, { overflow: 'saturate' });
      const stats = tf.stack([
        tf.max(tf.abs(x)),
        count(tf.greater(tf.abs(tf.mul(x, scale)), format.maxFinite)),
        count(tf.logicalAnd(nonzero, tf.equal(y, 0))),
        count(tf.logicalAnd(nonzero, tf.equal(unscaled, 0))),
      ]);
      return [y, stats];
    });
    this.pending.push({ stats: tf.keep(stats as tf.Tensor1D), scale, historyAmax, size: Math.max(x.size, 1) });
    return y as tf.Tensor2D;
  }

  /** Records the oldest pending cast from its statistics' values (read back after the step), then updates. */
  record([amax, saturated, underflow, underflowUnscaled]: Float32Array): void {
    const { scale, historyAmax, size: n } = this.pending.shift()!;
    this.scaler.record(amax!);
    this.scaler.update();
    const t = this.trace;
    t.amax.push(amax!);
    t.scale.push(scale);
    t.historyAmax.push(historyAmax);
    t.saturated.push(saturated! / n);
    t.underflow.push(underflow! / n);
    t.underflowUnscaled.push(underflowUnscaled! / n);
  }

  /** Evaluation: cast with the current scale, recording nothing. */
  castFrozen(x: tf.Tensor2D): tf.Tensor2D {
    return this.scaler.castTensor(x) as tf.Tensor2D;
  }
}

/**
 * FP8 with per-tensor delayed scaling, NVIDIA Transformer Engine's `DelayedScaling` recipe for one tensor: the
 * tensor is cast with a scale computed from the amax of earlier steps, so the cast needs no extra pass over x.
 * Each step, as TE does it (transformer_engine/pytorch/fp8.py: `_amax_and_scale_update`,
 * `_default_get_amax_and_update_history`, `_update_amax_history`, `_default_sf_compute`):
 *
 *   1. cast: y = q(x·scale)·scale_inv, saturating (ops/scaled_cast.ts); x's amax goes into amaxHistory[0];
 *   2. reduce: amax = max(amaxHistory) ('max') or amaxHistory[0] ('most_recent');
 *   3. roll: the history moves one slot towards its front (torch.roll by −1) and slot 0 is zeroed, so the slots
 *      hold the last historyLength amaxes, the step's own among them;
 *   4. scale = (fp8_max / amax) / 2^margin in float32 (scaleFromAmax): the previous scale is kept while amax is
 *      0 or not finite, and a scale past float32's range becomes FLOAT32_MAX; scale_inv = 1/scale in float32.
 *
 * TE's fused kernel (common/recipe/delayed_scaling.cu) computes the same scale as (fp8_max·2^−margin) / amax, equal
 * for an integer margin, but skips the roll on a step whose amax is 0; this follows the PyTorch functions above.
 *
 *     const s = new DelayedScaling({ historyLength: 16 });
 *     s.cast(x);   // cast with scale 1 (no history yet), then scale = 448 / amax(x)
 */
import type * as tf from '@tensorflow/tfjs';
import { checkChoice, checkOptionKeys, OptionError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import type { FloatFormat } from '../formats/spec';
import { amaxOf, scaledCast, scaledCastArray, scaleFromAmax } from '../ops/scaled_cast';

export const AMAX_COMPUTE_ALGOS = ['max', 'most_recent'] as const;
export type AmaxComputeAlgo = (typeof AMAX_COMPUTE_ALGOS)[number];

export interface DelayedScalingOptions {
  /** Default float8_e4m3fn (forward tensors; Transformer Engine uses e5m2 for gradients). */
  readonly format?: FormatLike;
  /** How many amaxes the history keeps (TE's amax_history_len). Default 1024, as TE. */
  readonly historyLength?: number;
  /** Which amax the scale comes from (TE's amax_compute_algo): the history's largest, or the last. Default 'max'. */
  readonly amaxComputeAlgo?: AmaxComputeAlgo;
  /** Extra headroom, an integer: the scale is divided by 2^margin. Default 0. */
  readonly margin?: number;
}

const OPTION_KEYS = ['format', 'historyLength', 'amaxComputeAlgo', 'margin'] as const;

/** What one tensor's delayed-scaling casts did, one entry per training step (trainMnistFp8Delayed records it). */
export interface ScaleTrace {
  /** e.g. 'dense1 input', 'dense1 weight', 'dense1 output grad'. */
  readonly tensor: string;
  readonly format: string;
  /** The tensor's amax at each step (recorded after its cast). */
  readonly amax: number[];
  /** The scale the tensor was cast with at each step (from earlier steps' amax). */
  readonly scale: number[];
  /** The amax that scale came from (the last update's reduced amax; 0 at the first step: no history, scale 1). */
  readonly historyAmax: number[];
  /** Fraction of values clamped at ±maxFinite (the amax grew past the history's). */
  readonly saturated: number[];
  /** Fraction of non-zero values that became 0 with that scale. */
  readonly underflow: number[];
  /** Fraction of non-zero values that would have become 0 cast with scale 1 (no scaling). */
  readonly underflowUnscaled: number[];
}

export class DelayedScaling {
  readonly format: FloatFormat;
  readonly historyLength: number;
  readonly amaxComputeAlgo: AmaxComputeAlgo;
  readonly margin: number;
  /** TE's amax_history for this tensor: slot 0 collects the amax of the casts since the last update. */
  readonly amaxHistory: Float32Array;
  private current = { scale: 1, scaleInv: 1, amax: 0 };

  constructor(options: DelayedScalingOptions = {}) {
    checkOptionKeys('DelayedScaling', options, OPTION_KEYS);
    this.format = getFloatFormat(options.format ?? 'float8_e4m3fn');
    this.historyLength = options.historyLength ?? 1024;
    this.amaxComputeAlgo = checkChoice('amaxComputeAlgo', options.amaxComputeAlgo ?? 'max', AMAX_COMPUTE_ALGOS);
    this.margin = options.margin ?? 0;
    for (const [name, value, min] of [
      ['historyLength', this.historyLength, 1],
      ['margin', this.margin, -Infinity],
    ] as const) {
      if (!Number.isInteger(value) || value < min) {
        const rule = min === 1 ? 'an integer ≥ 1' : 'an integer';
        throw new OptionError(`${name} must be ${rule}. Received: ${name}=${value}`, name, value);
      }
    }
    this.amaxHistory = new Float32Array(this.historyLength);
  }

  /** The scale the next cast uses (float32; 1 until an update finds a usable amax). */
  get scale(): number {
    return this.current.scale;
  }

  /** 1/scale in float32: what a cast's result is multiplied by on the way back. */
  get scaleInv(): number {
    return this.current.scaleInv;
  }

  /** The amax the last update reduced the history to (0 before any update). */
  get reducedAmax(): number {
    return this.current.amax;
  }

  /** One training step for an array: casts x with the current scale, records its amax, then updates. */
  cast(x: Float32Array): Float32Array {
    const y = scaledCastArray(x, this.format, this.scale, this.scaleInv).dequantized;
    this.record(amaxOf(x));
    this.update();
    return y;
  }

  /** The cast alone, as tfjs ops with the current scale: the caller records the amax and updates once it has it. */
  castTensor(x: tf.Tensor): tf.Tensor {
    return scaledCast(x, this.format, this.scale, this.scaleInv);
  }

  /** Records an amax measured during this step (the largest of the step's casts is kept, as TE's atomic max does). */
  record(amax: number): void {
    this.amaxHistory[0] = Math.max(this.amaxHistory[0]!, amax);
  }

  /** TE's amax and scale update at the end of a step: reduce the history, roll it, compute the new scale. */
  update(): void {
    const h = this.amaxHistory;
    const amax = this.amaxComputeAlgo === 'max' ? h.reduce((a, b) => Math.max(a, b)) : h[0]!; // NaN wins, as torch.max
    const newest = h[0]!;
    h.copyWithin(0, 1); // torch.roll(h, −1): every slot moves one towards the front, slot 0 to the back
    h[h.length - 1] = newest;
    h[0] = 0; // the next step's amax collects here
    const scale = scaleFromAmax(amax, this.format.maxFinite, this.margin, this.scale);
    this.current = { scale, scaleInv: Math.fround(1 / scale), amax };
  }
}

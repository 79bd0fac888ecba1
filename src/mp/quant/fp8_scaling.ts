/**
 * FP8 with per-tensor delayed scaling, as NVIDIA Transformer Engine does it: each tensor keeps a history of
 * its recent amax values, and is cast as q(x·s)/s with s = fp8_max / max(history) / 2^margin. The scale
 * comes from past steps, so the cast needs no extra pass over x; the new amax is recorded afterwards.
 */
import { OptionError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import { roundArray } from '../formats/round';
import type { FloatFormat } from '../formats/spec';

export interface DelayedScalingOptions {
  /** Default float8_e4m3fn (forward tensors; Transformer Engine uses e5m2 for gradients). */
  readonly format?: FormatLike;
  /** How many past amax values to keep (Transformer Engine: amax_history_len). Default 16. */
  readonly historyLength?: number;
  /** Extra headroom: the scale is divided by 2^margin. Default 0. */
  readonly margin?: number;
}

/** What one tensor's delayed-scaling casts did, one entry per training step (trainMnistFp8Delayed records it). */
export interface ScaleTrace {
  /** e.g. 'dense1 input', 'dense1 weight', 'dense1 output grad'. */
  readonly tensor: string;
  readonly format: string;
  /** The tensor's amax at each step (recorded after its cast). */
  readonly amax: number[];
  /** The scale the tensor was cast with at each step (from earlier steps' amax). */
  readonly scale: number[];
  /** The largest amax in the history that scale came from (0 at the first step: no history, scale 1). */
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
  readonly margin: number;
  readonly amaxHistory: number[] = [];

  constructor(options: DelayedScalingOptions = {}) {
    this.format = getFloatFormat(options.format ?? 'float8_e4m3fn');
    this.historyLength = options.historyLength ?? 16;
    this.margin = options.margin ?? 0;
    if (!Number.isInteger(this.historyLength) || this.historyLength < 1) {
      throw new OptionError(
        `historyLength must be an integer ≥ 1. Received: ${this.historyLength}`,
        'historyLength',
        this.historyLength,
      );
    }
  }

  /** The scale from the amax history (1 before any history). */
  get scale(): number {
    const amax = Math.max(0, ...this.amaxHistory);
    return amax > 0 ? this.format.maxFinite / amax / 2 ** this.margin : 1;
  }

  /** Casts with the current scale (saturating, as Transformer Engine's casts do), then records x's amax. */
  cast(x: Float32Array): Float32Array {
    const s = this.scale;
    const scaled = Float32Array.from(x, (v) => v * s);
    const y = roundArray(scaled, this.format, { overflow: 'saturate' });
    let amax = 0;
    for (let i = 0; i < x.length; i++) {
      amax = Math.max(amax, Math.abs(x[i]!));
      y[i] = y[i]! / s;
    }
    this.amaxHistory.push(amax);
    if (this.amaxHistory.length > this.historyLength) this.amaxHistory.shift();
    return y;
  }
}

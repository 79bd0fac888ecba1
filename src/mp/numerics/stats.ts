/**
 * What happens to a tensor's values when it is cast to a format: the fractions that overflow, underflow
 * to zero, or land among the subnormals (which a flush-to-zero unit would also lose).
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import type { FloatFormat } from '../formats/spec';
import { roundArray } from '../formats/round';

/** What a cast does to x's values. Every fraction is of all `count` values, finite or not, zero or not. */
export interface CastStats {
  readonly format: string;
  readonly count: number;
  /** Largest |x| among finite values (0 if none). */
  readonly absmax: number;
  /** Smallest non-zero |x| among finite values (Infinity if none). */
  readonly absminNonzero: number;
  /** Fraction of values that are finite and become inf or NaN, or clamp to ±max in formats that saturate. */
  readonly overflow: number;
  /** Fraction of values that are non-zero and round to zero. */
  readonly underflow: number;
  /** Fraction of values that round to a subnormal: kept with less precision, lost under flush-to-zero. */
  readonly subnormal: number;
  /** Fraction of values already inf or NaN. */
  readonly nonFinite: number;
  /** Fraction of values already ±0. */
  readonly zeros: number;
}

/**
 * f of x's values: at once for values already on the host, after an awaited read (every backend, WebGPU
 * included) for a tensor, which is not disposed.
 */
export function withValues<R>(x: Float32Array, f: (v: Float32Array) => R): R;
export function withValues<R>(x: tf.Tensor, f: (v: Float32Array) => R): Promise<R>;
export function withValues<R>(x: tf.Tensor | Float32Array, f: (v: Float32Array) => R): R | Promise<R>;
export function withValues<R>(x: tf.Tensor | Float32Array, f: (v: Float32Array) => R): R | Promise<R> {
  if (x instanceof Float32Array) return f(x);
  if (x instanceof tf.Tensor) return x.data().then((v) => f(v as Float32Array));
  throw new OptionError(`Expected a tf.Tensor or Float32Array. Received: ${String(x)}`, 'x', x);
}

/** Float32 values of an array (itself) or of a tensor (awaited). */
export function valuesOf(x: Float32Array): Float32Array;
export function valuesOf(x: tf.Tensor): Promise<Float32Array>;
export function valuesOf(x: tf.Tensor | Float32Array): Float32Array | Promise<Float32Array>;
export function valuesOf(x: tf.Tensor | Float32Array): Float32Array | Promise<Float32Array> {
  return withValues(x, (v) => v);
}

/** @deprecated valuesOf awaits a tensor's read itself. */
export const valuesOfAsync = async (x: tf.Tensor | Float32Array): Promise<Float32Array> => valuesOf(x);

/**
 * What a cast to `format` does to x's values: at once for a Float32Array, awaited for a tensor (read back
 * without a sync, so on every backend).
 *
 *     (await castStats(gradients, 'float16')).underflow   // e.g. 0.31: 31% of the gradient entries become 0
 */
export function castStats(x: Float32Array, format: FormatLike): CastStats;
export function castStats(x: tf.Tensor, format: FormatLike): Promise<CastStats>;
export function castStats(x: tf.Tensor | Float32Array, format: FormatLike): CastStats | Promise<CastStats>;
export function castStats(x: tf.Tensor | Float32Array, format: FormatLike): CastStats | Promise<CastStats> {
  const f = getFloatFormat(format);
  return withValues(x, (v) => statsOf(v, f));
}

/** @deprecated castStats awaits a tensor's read itself. */
export const castStatsAsync = async (x: tf.Tensor | Float32Array, format: FormatLike): Promise<CastStats> =>
  castStats(x, format);

function statsOf(v: Float32Array, f: FloatFormat): CastStats {
  const r = roundArray(v, f);
  // A value overflows from the midpoint between the largest finite value and the next step up (65520 for
  // float16): below it, rounding to ±max is ordinary rounding, not a clamp (in formats that saturate)
  const overflowAt = f.maxFinite + 2 ** (f.maxExp - f.manBits - 1);
  let absmax = 0;
  let absmin = Infinity;
  let overflow = 0;
  let underflow = 0;
  let subnormal = 0;
  let nonFinite = 0;
  let zeros = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    const b = Math.abs(r[i]!);
    if (!Number.isFinite(a)) nonFinite++;
    else if (a === 0) zeros++;
    else {
      absmax = Math.max(absmax, a);
      absmin = Math.min(absmin, a);
      if (!Number.isFinite(b) || a >= overflowAt) overflow++;
      else if (b === 0) underflow++;
      else if (b < f.minNormal) subnormal++;
    }
  }
  const n = Math.max(v.length, 1);
  return {
    format: f.name,
    count: v.length,
    absmax,
    absminNonzero: absmin,
    overflow: overflow / n,
    underflow: underflow / n,
    subnormal: subnormal / n,
    nonFinite: nonFinite / n,
    zeros: zeros / n,
  };
}

/**
 * What happens to a tensor's values when it is cast to a format: the fractions that overflow, underflow
 * to zero, or land among the subnormals (which a flush-to-zero unit would also lose).
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
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

/** Float32 values of a tensor or array (a tensor is read back with dataSync, not disposed: cpu, wasm). */
export function valuesOf(x: tf.Tensor | Float32Array): Float32Array {
  return checkValues(x) ?? ((x as tf.Tensor).dataSync() as Float32Array);
}

/** valuesOf with an awaited read: works on every backend, WebGPU included. */
export async function valuesOfAsync(x: tf.Tensor | Float32Array): Promise<Float32Array> {
  return checkValues(x) ?? ((await (x as tf.Tensor).data()) as Float32Array);
}

/** x itself if an array, undefined if a tensor; otherwise a typed error. */
function checkValues(x: tf.Tensor | Float32Array): Float32Array | undefined {
  if (x instanceof Float32Array) return x;
  if (x instanceof tf.Tensor) return undefined;
  throw new OptionError(`Expected a tf.Tensor or Float32Array. Received: ${String(x)}`, 'x', x);
}

/** castStats with an awaited read of a tensor: works on every backend, WebGPU included. */
export async function castStatsAsync(x: tf.Tensor | Float32Array, format: FormatLike): Promise<CastStats> {
  return castStats(await valuesOfAsync(x), format);
}

/**
 * Reads a tensor with dataSync (cpu, wasm); on WebGPU use castStatsAsync.
 *
 *     castStats(gradients, 'float16').underflow   // e.g. 0.31: 31% of the gradient entries become 0
 */
export function castStats(x: tf.Tensor | Float32Array, format: FormatLike): CastStats {
  const f = getFloatFormat(format);
  const v = valuesOf(x);
  const r = roundArray(v, f);
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
      if (!Number.isFinite(b) || a > f.maxFinite) overflow++;
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

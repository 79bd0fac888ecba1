/**
 * The one scaled cast, y = q(x·s)·s⁻¹, and the one rule that turns an amax into a scale. Every scaled recipe
 * (Transformer Engine's delayed and current scaling, MX blocks, NVFP4, DeepSeek-style tiles, the mixed_float8
 * policy's cast points) casts through here, whichever backend runs it.
 *
 * How s is rounded, the same everywhere: s and s⁻¹ are float32 numbers; x·s is rounded to float32, q rounds
 * that to the format, saturating (finite values and ±inf clamp to ±maxFinite, as Transformer Engine's satfinite
 * casts and the MX spec do; NaN stays NaN), and q(x·s)·s⁻¹ is rounded to float32. s⁻¹ is the float32 of 1/s, the
 * scale_inv Transformer Engine dequantizes with, unless a recipe keeps its own decode scale (NVFP4, DeepSeek).
 *
 * Two forms run this rule: `scaledCastArray` on a Float32Array in JS, and `scaledCast` as tfjs ops. They agree bit
 * for bit on cpu and wasm (a test checks it); WebGPU's float32 division may be off by an ulp in the scale.
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../errors';
import { getFloatFormat, getFormat, type FormatLike } from '../formats/registry';
import { roundArray } from '../formats/round';
import { resolveRoundOptions, type Overflow } from '../formats/round_options';
import type { FloatFormat } from '../formats/spec';
import { roundTensor } from './quantize';
import { reduceAll } from './reduce';

/** The largest float32: (2 − 2^−23)·2^127. A scale that overflows float32 is clamped to it. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Transformer Engine's scale from an amax: (maxFinite / amax) / 2^margin in float32, clamped to FLOAT32_MAX where
 * it overflows; `previous` (1 for current scaling) where amax is 0, NaN or infinite, since no scale follows from it.
 * (transformer_engine/pytorch/fp8.py `_default_sf_compute`; common/recipe/recipe_common.cuh
 * `compute_scale_from_amax` for current scaling.)
 *
 *     scaleFromAmax(3.5, 448)        // 128
 *     scaleFromAmax(0, 448, 0, 64)   // 64: the previous scale is kept
 */
export function scaleFromAmax(amax: number, maxFinite: number, margin = 0, previous = 1): number {
  if (!(amax > 0 && amax !== Infinity)) return previous;
  const s = Math.fround(Math.fround(maxFinite / amax) / 2 ** margin);
  return s === Infinity ? FLOAT32_MAX : s;
}

/** max |x| over the values, skipping NaN as the fmaxf of Transformer Engine's amax kernels does. */
export function amaxOf(values: ArrayLike<number>): number {
  let amax = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > amax) amax = a;
  }
  return amax;
}

export interface ScaledCastResult {
  /** q(x·s): values of the format (an integer grid's integers). */
  readonly elements: Float32Array;
  /** q(x·s)·s⁻¹ in float32. */
  readonly dequantized: Float32Array;
}

/** Scales: one number for a whole array, or one per block. */
export type Scales = number | Float32Array | Float64Array;

/**
 * The scaled cast on an array. `scale` and `scaleInv` are one number for the whole array, or one per block with
 * `blockOf[i]` naming value i's block. An integer grid clamps x·s to ±max before rounding: symmetric, as MXINT8's
 * ±127 is. Per-block scales may come as a Float64Array where a power of two passes float32's range (MXINT8's
 * 2^(6−e) for e < −121): x·s is still exact before its rounding to float32.
 *
 *     scaledCastArray(Float32Array.of(0.3), 'float8_e4m3fn', 448).dequantized   // [q(134.4)/448] = [0.2857…]
 */
export function scaledCastArray(
  values: Float32Array,
  format: FormatLike,
  scale: Scales,
  scaleInv?: Scales,
  blockOf?: Int32Array,
): ScaledCastResult {
  const f = getFormat(format);
  const inv = scaleInv ?? (typeof scale === 'number' ? Math.fround(1 / scale) : Float32Array.from(scale, (s) => 1 / s));
  if ((typeof scale !== 'number' || typeof inv !== 'number') && !blockOf) {
    throw new OptionError('Per-block scales need blockOf, the block of each value.', 'blockOf', blockOf);
  }
  const at = (s: Scales, i: number): number => (typeof s === 'number' ? s : s[blockOf![i]!]!);
  const scaled = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]! * at(scale, i);
    scaled[i] = f.kind === 'int' ? Math.min(f.max, Math.max(-f.max, v)) : v;
  }
  const elements = roundArray(scaled, f, SATURATE);
  const dequantized = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) dequantized[i] = elements[i]! * at(inv, i);
  return { elements, dequantized };
}

/**
 * The scaled cast as tfjs ops, for a float format: `scale` and `scaleInv` are numbers or tensors that broadcast
 * against x (one per block). `overflow: 'ieee'` lets ±inf through where the format has it, for cast points whose
 * overflow a loss scaler must see. Like roundTensor, it has no gradient of its own.
 *
 *     scaledCast(x, getFloatFormat('float8_e4m3fn'), 448)   // q(x·448)·(1/448)
 */
export function scaledCast(
  x: tf.Tensor,
  format: FloatFormat,
  scale: number | tf.Tensor,
  scaleInv?: number | tf.Tensor,
  overflow: Overflow = 'saturate',
): tf.Tensor {
  return tf.tidy(() => {
    const inv = scaleInv ?? (typeof scale === 'number' ? Math.fround(1 / scale) : tf.div(1, scale));
    return tf.mul(roundTensor(tf.mul(x, scale), format, ROUNDING[overflow]), inv);
  });
}

/**
 * scaleFromAmax as tensor ops, elementwise over a tensor of amaxes (margin 0, previous scale 1): for scales
 * computed on the device, per tensor or per block, with no read back.
 */
export function scaleFromAmaxTensor(amax: tf.Tensor, maxFinite: number): tf.Tensor {
  return tf.tidy(() => {
    const usable = tf.logicalAnd(tf.greater(amax, 0), tf.isFinite(amax));
    const s = tf.where(usable, tf.div(maxFinite, amax), tf.onesLike(amax));
    return tf.where(tf.isInf(s), tf.fill(s.shape, FLOAT32_MAX), s);
  });
}

/**
 * Per-tensor current scaling on the device: s = scaleFromAmax(amax(x), maxFinite) as tensor ops (no read back),
 * then the scaled cast. The cast FP8 recipes need, since e4m3 spans only 2^-9..448.
 *
 *     castWithCurrentScale(x, getFloatFormat('float8_e4m3fn'))   // x's amax lands on 448
 */
export function castWithCurrentScale(x: tf.Tensor, format: FormatLike, overflow: Overflow = 'saturate'): tf.Tensor {
  const f = getFloatFormat(format);
  return tf.tidy(() =>
    scaledCast(x, f, scaleFromAmaxTensor(reduceAll(tf.abs(x), 'max'), f.maxFinite), undefined, overflow),
  );
}

const SATURATE = { overflow: 'saturate' } as const;
const ROUNDING = {
  saturate: resolveRoundOptions({ overflow: 'saturate', seed: 0 }),
  ieee: resolveRoundOptions({ overflow: 'ieee', seed: 0 }),
};

/**
 * quantize built from stock tfjs ops, for backends without the exact kernel (webgl, webgpu, tensorflow).
 * tfjs has no bitcast, so this path works on values: x = ±n·q with q = 2^(e − manBits) the spacing at x's
 * binade e (the smallest normal binade for subnormals), and n rounded with tf.round (ties to even).
 * On the cpu and wasm backends it equals the exact kernel value for value; NaN sign and payload are
 * unspecified. On a GPU that flushes float32 subnormals, values below 2^-126 flush too.
 */
import * as tf from '@tensorflow/tfjs';
import type { RoundOptions } from '../formats/round';
import type { FloatFormat, Format } from '../formats/spec';

export function quantizeWithOps(x: tf.Tensor, f: Format, o: Required<RoundOptions>): tf.Tensor {
  return tf.tidy(() => (f.kind === 'int' ? roundIntOps(x, f.min, f.max, o) : roundFloatOps(x, f, o)));
}

function roundToInteger(t: tf.Tensor, o: Required<RoundOptions>, tiesAway = false): tf.Tensor {
  if (o.rounding === 'toward-zero') return tf.floor(t);
  if (o.rounding === 'stochastic') {
    const seed = typeof o.seed === 'number' ? o.seed : hashSeed(o.seed);
    return tf.floor(tf.add(t, tf.randomUniform(t.shape, 0, 1, 'float32', seed)));
  }
  return tiesAway ? tf.floor(tf.add(t, 0.5)) : tf.round(t); // tf.round rounds half to even
}

function roundIntOps(x: tf.Tensor, min: number, max: number, o: Required<RoundOptions>): tf.Tensor {
  const magnitude = roundToInteger(tf.abs(x), o);
  const y = tf.add(tf.clipByValue(tf.mul(tf.sign(x), magnitude), min, max), 0); // + 0 turns −0 into 0
  return tf.where(tf.isNaN(x), x, y); // some backends' clip turns NaN into min
}

function roundFloatOps(x: tf.Tensor, f: FloatFormat, o: Required<RoundOptions>): tf.Tensor {
  const a = tf.abs(x);
  // 1. binade: floor(log2 a), corrected where log's rounding lands on the wrong side of a power of two
  let e = tf.floor(tf.div(tf.log(a), Math.LN2));
  const p = tf.pow(2, e);
  e = tf.add(tf.sub(e, tf.cast(tf.greater(p, a), 'float32')), tf.cast(tf.lessEqual(tf.mul(p, 2), a), 'float32'));
  e = tf.maximum(e, f.minExp);
  // 2. round the count of spacings q (exact: q is a power of two)
  const q = tf.pow(2, tf.sub(e, f.manBits));
  const t = tf.div(a, q);
  let n = roundToInteger(t, o, f.tiesAway);
  if (!f.subnormals && o.rounding === 'nearest-even') {
    // ml_dtypes rounds float32 subnormals up to the next power of two in a format without subnormals (e8m0)
    n = tf.where(tf.less(a, 2 ** -126), tf.ceil(t), n);
  }
  let r = tf.mul(n, q);
  // 3. zero and subnormals
  if (o.flushSubnormals) r = tf.where(tf.less(r, f.minNormal), tf.zerosLike(r), r);
  if (!f.hasZero) r = tf.where(tf.equal(r, 0), tf.fill(r.shape, f.minNormal), r);
  // 4. overflow
  const saturating = o.overflow === 'saturate' || o.rounding === 'toward-zero' || (!f.infinities && !f.hasNan);
  const overflowTo = saturating ? f.maxFinite : f.infinities ? Infinity : NaN;
  r = tf.where(tf.greater(r, f.maxFinite), tf.fill(r.shape, overflowTo), r);
  // 5. sign (−0 is the value whose reciprocal is −inf), then the format's zero, infinity and NaN rules
  const negative = tf.logicalOr(tf.less(x, 0), tf.equal(tf.div(1, x), -Infinity));
  let y = tf.where(negative, tf.neg(r), r);
  // Zero explicitly: GPUs flush float32 subnormals (WebGPU on an H200 does), so for formats whose spacing q
  // near zero is a float32 subnormal (float32, tf32, bfloat16) q becomes 0 there and 0/q is NaN.
  y = tf.where(tf.equal(a, 0), x, y);
  if (!f.signedZero) y = tf.where(tf.equal(y, 0), tf.zerosLike(y), y);
  const infTo = f.infinities && o.overflow === 'ieee' ? Infinity : saturating ? f.maxFinite : NaN;
  y = tf.where(tf.isInf(x), tf.mul(tf.sign(x), infTo), y);
  if (!f.signed) y = tf.where(negative, tf.fill(y.shape, NaN), y);
  if (!f.hasZero) y = tf.where(tf.equal(x, 0), tf.fill(y.shape, NaN), y);
  // ml_dtypes turns NaN into −0 in formats without NaN (for a positive NaN, the only kind tfjs makes)
  return tf.where(tf.isNaN(x), tf.fill(y.shape, f.hasNan ? NaN : -0), y);
}

/** A numeric seed for tf.randomUniform from a string seed. */
function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

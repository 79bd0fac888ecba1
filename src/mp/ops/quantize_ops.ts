/**
 * quantize built from stock tfjs ops, for backends without the exact kernel (webgl, webgpu, tensorflow): the
 * rounding plan (formats/plan.ts) on values, since tfjs has no bitcast. x = ±n·q with q = 2^(e − manBits) the
 * spacing at x's binade e (the smallest normal binade for subnormals), and n rounded as the plan's step says.
 * On the cpu and wasm backends it equals the exact kernel value for value; NaN sign and payload are
 * unspecified. On a GPU that flushes float32 subnormals, values below 2^-126 flush too.
 */
import * as tf from '@tensorflow/tfjs';
import { F32_INF as INF, F32_QUIET_NAN as QUIET_NAN, F32_SIGN as SIGN, float32FromBits } from '../formats/bits';
import { floatPlan, nanOf, overflowOf, type FloatPlan, type StepRounding } from '../formats/plan';
import type { RoundOptions } from '../formats/round_options';
import type { Format } from '../formats/spec';

export function quantizeWithOps(x: tf.Tensor, f: Format, o: Required<RoundOptions>): tf.Tensor {
  return tf.tidy(() => {
    if (f.kind === 'float') return roundFloatOps(x, floatPlan(f, o), o.seed);
    return roundIntOps(x, f.min, f.max, o);
  });
}

/** t ≥ 0 rounded to an integer as `step` says. */
function roundToInteger(t: tf.Tensor, step: StepRounding, seed: number | string): tf.Tensor {
  switch (step) {
    case 'tiesEven':
      return tf.round(t); // tf.round rounds half to even
    case 'tiesAway':
      return tf.floor(tf.add(t, 0.5));
    case 'up':
      return tf.ceil(t);
    case 'truncate':
      return tf.floor(t);
    case 'stochastic': {
      const numeric = typeof seed === 'number' ? seed : hashSeed(seed);
      return tf.floor(tf.add(t, tf.randomUniform(t.shape, 0, 1, 'float32', numeric)));
    }
  }
}

function roundIntOps(x: tf.Tensor, min: number, max: number, o: Required<RoundOptions>): tf.Tensor {
  const step = o.rounding === 'nearest-even' ? 'tiesEven' : o.rounding === 'toward-zero' ? 'truncate' : 'stochastic';
  const magnitude = roundToInteger(tf.abs(x), step, o.seed);
  const y = tf.add(tf.clipByValue(tf.mul(tf.sign(x), magnitude), min, max), 0); // + 0 turns −0 into 0
  return tf.where(tf.isNaN(x), x, y); // some backends' clip turns NaN into min
}

/** The plan's steps on values: 1 binade, 2 and 3 the count of spacings, 4 overflow, then signs and specials. */
function roundFloatOps(x: tf.Tensor, p: FloatPlan, seed: number | string): tf.Tensor {
  const f = p.format;
  const value = (bits: number): number => float32FromBits(bits);
  const a = tf.abs(x);
  // 1. binade: floor(log2 a), corrected where log's rounding lands on the wrong side of a power of two
  let e = tf.floor(tf.div(tf.log(a), Math.LN2));
  const pow = tf.pow(2, e);
  e = tf.add(tf.sub(e, tf.cast(tf.greater(pow, a), 'float32')), tf.cast(tf.lessEqual(tf.mul(pow, 2), a), 'float32'));
  e = tf.maximum(e, f.minExp);
  // 2. and 3. round the count of spacings q (exact: q is a power of two), each range as its step says
  const q = tf.pow(2, tf.sub(e, f.manBits));
  const t = tf.div(a, q);
  let n = roundToInteger(t, p.normalRounding, seed);
  if (p.subnormalRounding !== p.normalRounding) {
    n = tf.where(tf.less(a, value(p.normalStart)), roundToInteger(t, p.subnormalRounding, seed), n);
  }
  let r = tf.mul(n, q);
  if (p.flushBelow) r = tf.where(tf.less(r, value(p.flushBelow)), tf.zerosLike(r), r);
  if (!p.hasZero) r = tf.where(tf.equal(r, 0), tf.fill(r.shape, value(p.minNormalBits)), r);
  // 4. overflow
  r = tf.where(tf.greater(r, f.maxFinite), tf.fill(r.shape, value(overflowOf(p, 0))), r);
  // sign (−0 is the value whose reciprocal is −inf), then the format's zero, infinity and NaN rules
  const negative = tf.logicalOr(tf.less(x, 0), tf.equal(tf.div(1, x), -Infinity));
  let y = tf.where(negative, tf.neg(r), r);
  // Zero explicitly: GPUs flush float32 subnormals (WebGPU on an H200 does), so for formats whose spacing q
  // near zero is a float32 subnormal (float32, tf32, bfloat16) q becomes 0 there and 0/q is NaN.
  y = tf.where(tf.equal(a, 0), x, y);
  if (!p.zeroSign) y = tf.where(tf.equal(y, 0), tf.zerosLike(y), y);
  const inf = p.infStays ? Infinity : value(overflowOf(p, INF));
  y = tf.where(tf.isInf(x), tf.mul(tf.sign(x), inf), y);
  if (p.signFail) y = tf.where(negative, tf.fill(y.shape, value(nanOf(p, SIGN))), y);
  if (!p.hasZero) y = tf.where(tf.equal(x, 0), tf.fill(y.shape, value(nanOf(p, 0))), y);
  // tfjs makes only positive NaNs: what the format makes of one (ml_dtypes: −0 in formats without NaN)
  return tf.where(tf.isNaN(x), tf.fill(y.shape, value(nanOf(p, QUIET_NAN))), y);
}

/** A numeric seed for tf.randomUniform from a string seed. */
function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

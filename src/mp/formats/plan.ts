/**
 * The rounding plan: every constant and decision of the float converter for one (format, options) pair,
 * derived here once, from the format's spec (like the traits that drive ml_dtypes' one ConvertImpl). Each
 * backend projects it and derives nothing of its own: the JS converter (round.ts), the SIMD wasm kernel
 * (simd/simd_round.ts), the WGSL kernel (backend/webgpu/quantize_wgsl.ts) and the pure-ops fallback
 * (ops/quantize_ops.ts). codec.ts is the second, independent implementation that checks them.
 *
 * The converter's steps, for float32 bits u with magnitude bits a = u & 0x7fffffff:
 *   1. non-finite: NaN (and any negative number in an unsigned format) takes nanOf; ±inf stays or overflows;
 *   2. normal range (normalStart ≤ a < inf): r = (a + roundAdd + ((a >> shift) & lsbMask)) & keep, in the
 *      integer domain, where a carry out of the mantissa bumps the exponent;
 *   3. below normalStart: |x| rounded to a multiple of q, the smallest subnormal (subnormalRounding), then
 *      flushing and the zero rules;
 *   4. overflow: an r past maxBits takes overflowOf.
 */
import { F32_INF as INF, F32_MIN_NORMAL, F32_QUIET_NAN as QUIET_NAN, F32_SIGN as SIGN, float32Bits } from './bits';
import type { RoundOptions } from './round_options';
import type { FloatFormat } from './spec';

/**
 * How a step rounds the bits it drops: ties to even, ties away from zero, toward zero, up (away from zero),
 * or stochastically (up with probability equal to the distance from the value below).
 */
export type StepRounding = 'tiesEven' | 'tiesAway' | 'truncate' | 'up' | 'stochastic';

/** The converter's constants for one (format, options). Bit fields are float32 patterns as u32. */
export interface FloatPlan {
  readonly format: FloatFormat;
  /** 2. Rounding of the normal range, and its integer form: shift dropped bits (mask low), keep the rest. */
  readonly normalRounding: StepRounding;
  readonly shift: number;
  readonly low: number;
  readonly keep: number;
  /** Ties to even add half − 1 plus the kept LSB (lsbMask 1); ties away add half; truncation adds nothing. */
  readonly roundAdd: number;
  readonly lsbMask: number;
  /** The first |x| bits of step 2: the format's smallest normal, or float32's where that is a float32 subnormal. */
  readonly normalStart: number;
  /** Bits of the largest finite value. */
  readonly maxBits: number;
  /** The sign bit in an unsigned format, where any negative number is NaN; else 0. */
  readonly signFail: number;
  /** 1. The NaN of input bits u: ((u & nanSign) ^ nanFlip) | nanBase | (u's payload bits that fit, if nanPayload). */
  readonly nanSign: number;
  readonly nanFlip: number;
  readonly nanBase: number;
  readonly nanPayload: boolean;
  /** 1. Whether ±inf stays ±inf (else it takes the overflow rule). */
  readonly infStays: boolean;
  /** 4. Overflow: NaN where overflowNan, else overflowBits (maxBits or inf) with the input's sign. */
  readonly overflowNan: boolean;
  readonly overflowBits: number;
  /** 3. Rounding below the smallest normal, to a multiple of q (the smallest subnormal; e8m0: its smallest normal). */
  readonly subnormalRounding: StepRounding;
  readonly q: number;
  readonly qBits: number;
  /** log2(q) + 150: q in units of float32's smallest subnormal, as a power of two. */
  readonly q150: number;
  /** Results below these bits become zero (the smallest normal's, under flushSubnormals), else 0. */
  readonly flushBelow: number;
  /** The sign bit where a zero result keeps the input's sign (formats with −0), else 0. */
  readonly zeroSign: number;
  /** Whether the format holds zero; where not (e8m0), results that would be 0 become minNormalBits. */
  readonly hasZero: boolean;
  readonly minNormalBits: number;
}

/** The plan of (f, o), built once per format and (rounding, overflow, flushSubnormals). */
export function floatPlan(f: FloatFormat, o: Required<RoundOptions>): FloatPlan {
  let byOptions = plans.get(f);
  if (!byOptions) plans.set(f, (byOptions = new Map()));
  const key = `${o.rounding}|${o.overflow}|${o.flushSubnormals}`;
  let plan = byOptions.get(key);
  if (!plan) byOptions.set(key, (plan = buildFloatPlan(f, o)));
  return plan;
}

const plans = new WeakMap<FloatFormat, Map<string, FloatPlan>>();

function buildFloatPlan(f: FloatFormat, o: Required<RoundOptions>): FloatPlan {
  const shift = 23 - f.manBits;
  const low = shift === 0 ? 0 : (1 << shift) - 1; // the float32 mantissa bits the format drops
  const half = shift === 0 ? 0 : 1 << (shift - 1);
  const nearest = o.rounding === 'nearest-even';
  // float8_e8m0fnu breaks ties away from zero, as ml_dtypes does
  const normalRounding: StepRounding = nearest ? (f.tiesAway ? 'tiesAway' : 'tiesEven') : roundingStep(o);
  // ml_dtypes rounds float32 subnormals up to the next power of two in a format without subnormals (e8m0)
  const subnormalRounding: StepRounding = nearest && !f.subnormals ? 'up' : normalRounding;
  // Under toward-zero, finite values never overflow to inf (IEEE 754 §7.4) but stop at ±max.
  const saturating = o.overflow === 'saturate' || o.rounding === 'toward-zero';
  const maxBits = float32Bits(f.maxFinite);
  const keepPayload = f.castKeepsNanPayload && f.signed;
  return {
    format: f,
    normalRounding,
    shift,
    low,
    keep: ~low >>> 0,
    roundAdd: normalRounding === 'tiesAway' ? half : normalRounding === 'tiesEven' ? Math.max(half - 1, 0) : 0,
    lsbMask: normalRounding === 'tiesEven' && shift > 0 ? 1 : 0,
    normalStart: Math.max(float32Bits(f.minNormal), F32_MIN_NORMAL),
    maxBits,
    signFail: f.signed ? 0 : SIGN,
    ...nanCode(f, keepPayload),
    nanPayload: keepPayload && (f.nan === 'ieee' || f.nan === 'all-ones'),
    infStays: f.infinities && o.overflow === 'ieee',
    // past maxFinite: ±inf where the format has it, else NaN where it has one, else ±max (MX float6/float4)
    overflowNan: !saturating && !f.infinities && f.hasNan,
    overflowBits: saturating || !f.infinities ? maxBits : INF,
    subnormalRounding,
    q: f.minSubnormal,
    qBits: float32Bits(f.minSubnormal),
    q150: Math.log2(f.minSubnormal) + 150,
    flushBelow: o.flushSubnormals ? float32Bits(f.minNormal) : 0,
    zeroSign: f.signedZero ? SIGN : 0,
    hasZero: f.hasZero,
    minNormalBits: float32Bits(f.minNormal),
  };
}

function roundingStep(o: Required<RoundOptions>): StepRounding {
  return o.rounding === 'stochastic' ? 'stochastic' : 'truncate';
}

/** The NaN a format makes, as ml_dtypes does: its sign source, a sign flip and the fixed bits. */
function nanCode(f: FloatFormat, keepPayload: boolean): Pick<FloatPlan, 'nanSign' | 'nanFlip' | 'nanBase'> {
  switch (f.nan) {
    case 'none': // ml_dtypes 0.6 maps NaN to the zero of the opposite sign
      return { nanSign: SIGN, nanFlip: SIGN, nanBase: 0 };
    case 'negative-zero': // the fnuz NaN code 0b1_000… decodes to a negative NaN
      return { nanSign: 0, nanFlip: 0, nanBase: (SIGN | QUIET_NAN) >>> 0 };
    default: // the input's sign (none in an unsigned format); the payload bits that fit, else a quiet NaN
      return { nanSign: f.signed ? SIGN : 0, nanFlip: 0, nanBase: keepPayload ? INF : QUIET_NAN };
  }
}

/** Step 1: the float32 bits that NaN input bits u (or a NaN result) take, as ml_dtypes gives them. */
export function nanOf(p: FloatPlan, u: number): number {
  // a kept payload of 0 would be infinity: keep a NaN a NaN
  const payload = p.nanPayload ? Math.max((u & 0x7fffff) >>> p.shift, 1) << p.shift : 0;
  return (((u & p.nanSign) ^ p.nanFlip) | p.nanBase | payload) >>> 0;
}

/** Step 4: the float32 bits of a finite value of bits u that rounds past the largest finite value. */
export function overflowOf(p: FloatPlan, u: number): number {
  return p.overflowNan ? nanOf(p, u) : (p.overflowBits | (u & SIGN)) >>> 0;
}

import seedrandom from 'seedrandom';
import { checkChoice, checkOptionKeys, describeValue, OptionError } from '../errors';
import { float32Bits, float32FromBits, views } from './bits';
import { getFormat, type FormatLike } from './registry';
import { roundOnHeap, roundWithSimd, type SimdPlan } from './simd/simd_round';
import type { WasmMemory } from './simd/webassembly';
import type { FloatFormat, IntFormat } from './spec';

export const ROUNDING_MODES = ['nearest-even', 'toward-zero', 'stochastic'] as const;
export const OVERFLOW_MODES = ['ieee', 'saturate'] as const;
export type Rounding = (typeof ROUNDING_MODES)[number];
export type Overflow = (typeof OVERFLOW_MODES)[number];

export interface RoundOptions {
  /**
   * `nearest-even` (default; float8_e8m0fnu breaks ties away from zero, as ml_dtypes does),
   * `toward-zero` (truncate), or `stochastic` (round up with probability equal to the distance from
   * the value below, in units of the spacing: unbiased in expectation).
   */
  readonly rounding?: Rounding;
  /**
   * `ieee` (default): the format's own rule. Values past the largest finite number become ±inf where the
   * format has infinities, else NaN where it has NaN, else ±max (the MX float6/float4 formats saturate).
   * Under `toward-zero`, finite values never overflow to inf (IEEE 754 §7.4) but stop at ±max.
   * `saturate`: finite values and ±inf clamp to ±max (like CUDA's `__NV_SATFINITE`); NaN stays NaN.
   */
  readonly overflow?: Overflow;
  /** Results that would be subnormal become zero (a GPU's flush-to-zero mode). */
  readonly flushSubnormals?: boolean;
  /** Seed for `stochastic` rounding; the same seed gives the same result. Default: a fresh random seed. */
  readonly seed?: number | string;
}

export const ROUND_OPTION_KEYS = ['rounding', 'overflow', 'flushSubnormals', 'seed'] as const;

/** Validates options and fills in defaults. Throws OptionError naming the valid values. */
export function resolveRoundOptions(options: RoundOptions = {}): Required<RoundOptions> {
  checkOptionKeys('RoundOptions', options, ROUND_OPTION_KEYS);
  const flush = options.flushSubnormals ?? false;
  if (typeof flush !== 'boolean') {
    throw new OptionError(`flushSubnormals must be a boolean. Received: ${String(flush)}`, 'flushSubnormals', flush, [
      true,
      false,
    ]);
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (typeof seed !== 'number' && typeof seed !== 'string') {
    throw new OptionError(`seed must be a number or a string. Received: ${String(seed)}`, 'seed', seed);
  }
  return {
    rounding: checkChoice('rounding', options.rounding ?? 'nearest-even', ROUNDING_MODES),
    overflow: checkChoice('overflow', options.overflow ?? 'ieee', OVERFLOW_MODES),
    flushSubnormals: flush,
    seed,
  };
}

/**
 * Rounds every value to the nearest value of `format` (bit-identical to ml_dtypes' `astype` with the
 * default options) and returns them as float32: a "fake cast".
 *
 *     roundArray(new Float32Array([1/3, 70000]), 'float16')   // [0.333251953125, Infinity]
 */
export function roundArray(values: Float32Array, format: FormatLike, options?: RoundOptions): Float32Array {
  if (!(values instanceof Float32Array)) {
    throw new OptionError(
      `values must be a Float32Array. Received: ${describeValue(values)}. Convert with Float32Array.from(values).`,
      'values',
      values,
    );
  }
  const out = new Float32Array(values.length);
  roundInto(values, out, format, options);
  return out;
}

/** Rounds one number (to float32 first, as the tensors do). */
export function roundValue(value: number, format: FormatLike, options?: RoundOptions): number {
  const f = getFormat(format);
  const o = resolveRoundOptions(options);
  if (f.kind === 'int' || o.rounding === 'stochastic') return roundArray(Float32Array.of(value), f, o)[0]!;
  const u = float32Bits(value) | 0; // the float32 bits, as Float32Array.of(value) holds them
  return float32FromBits(floatPlan(f, o).one(u, float32FromBits(u)));
}

/** roundArray into a caller's buffer (`dst` may be `src`). Used by the tensor kernels. */
export function roundInto(src: Float32Array, dst: Float32Array, format: FormatLike, options?: RoundOptions): void {
  const f = getFormat(format);
  const opts = resolveRoundOptions(options);
  if (f.kind === 'int') roundIntGrid(src, dst, f, opts);
  else roundFloat(src, dst, f, opts);
}

/**
 * roundInto for n float32 values that live in a WebAssembly memory (tfjs-wasm's heap), at byte addresses
 * src and dst, run in place by the SIMD kernel. Returns false, doing nothing, where that kernel does not
 * apply (integer grids, stochastic rounding, no WebAssembly SIMD): the caller then uses roundInto.
 */
export function roundOnWasmHeap(
  memory: WasmMemory,
  malloc: (bytes: number) => number,
  src: number,
  dst: number,
  n: number,
  format: FormatLike,
  options?: RoundOptions,
): boolean {
  const f = getFormat(format);
  const o = resolveRoundOptions(options);
  if (f.kind !== 'float' || o.rounding === 'stochastic') return false;
  return roundOnHeap(memory, malloc, src, dst, n, floatPlan(f, o));
}

/** Integer grids round (per `rounding`) and always clamp to [min, max], as quantization does. NaN stays NaN. */
function roundIntGrid(src: Float32Array, dst: Float32Array, f: IntFormat, o: Required<RoundOptions>): void {
  const rand = seedrandom.alea(String(o.seed));
  for (let i = 0; i < src.length; i++) {
    const x = src[i]!;
    let n: number;
    if (o.rounding === 'nearest-even') n = roundHalfEven(x);
    else if (o.rounding === 'toward-zero') n = Math.trunc(x);
    else n = Math.floor(x + rand.double());
    dst[i] = Math.min(f.max, Math.max(f.min, n)) + 0; // + 0 turns −0 into 0: grids have no −0
  }
}

/** Math.round breaks ties upward; this breaks them to the even neighbour. */
export function roundHalfEven(t: number): number {
  const n = Math.round(t);
  return n - t === 0.5 && n % 2 !== 0 ? n - 1 : n;
}

const SIGN = 0x80000000 | 0;
const INF = 0x7f800000;
const QUIET_NAN = 0x7fc00000;
const F32_MIN_NORMAL = 0x00800000;

/**
 * The generic float converter. For each float32 bit pattern u, with magnitude bits a:
 *   1. non-finite: NaN and ±inf follow the format's rules (nanBits, infinity handling);
 *   2. normal range of the target: round the float32 mantissa to manBits bits in the integer domain
 *      (a carry out of the mantissa correctly bumps the exponent);
 *   3. below the target's smallest normal: round |x| to a multiple of the smallest subnormal in float64,
 *      where scaling by powers of two is exact; then signed-zero rules;
 *   4. overflow: a result past maxFinite takes the overflow rule.
 * Step 2 is almost every element of real data; the SIMD kernel does it sixteen lanes a turn and hands the
 * other lanes back to `one`, the scalar converter.
 */
function roundFloat(src: Float32Array, dst: Float32Array, f: FloatFormat, o: Required<RoundOptions>): void {
  const plan = floatPlan(f, o);
  if (o.rounding !== 'stochastic' && roundWithSimd(src, dst, plan)) return;
  const { i32: s32, f32: sf } = views(src);
  const d32 = views(dst).i32;
  for (let i = 0; i < s32.length; i++) d32[i] = plan.one(s32[i]!, sf[i]!);
}

/** Plans for deterministic rounding, built once per (format, rounding, overflow, flush). */
const plans = new WeakMap<FloatFormat, Map<string, SimdPlan>>();

/** The converter for (f, o): cached, except for stochastic rounding, whose plan holds its random stream. */
function floatPlan(f: FloatFormat, o: Required<RoundOptions>): SimdPlan {
  if (o.rounding === 'stochastic') return buildFloatPlan(f, o);
  let byOptions = plans.get(f);
  if (!byOptions) plans.set(f, (byOptions = new Map()));
  const key = `${o.rounding}|${o.overflow}|${o.flushSubnormals}`;
  let plan = byOptions.get(key);
  if (!plan) byOptions.set(key, (plan = buildFloatPlan(f, o)));
  return plan;
}

function buildFloatPlan(f: FloatFormat, o: Required<RoundOptions>): SimdPlan {
  const shift = 23 - f.manBits;
  const low = shift === 0 ? 0 : (1 << shift) - 1; // the float32 mantissa bits the format drops
  const keep = ~low;
  const normalStart = Math.max(float32Bits(f.minNormal), F32_MIN_NORMAL);
  const maxBits = float32Bits(f.maxFinite);
  const signFail = f.signed ? 0 : SIGN; // any sign bit is NaN in an unsigned format
  const nearest = o.rounding === 'nearest-even';
  const stochastic = o.rounding === 'stochastic';
  const rand = stochastic ? seedrandom.alea(String(o.seed)) : undefined;
  // Ties to even add half−1 plus the kept LSB; ties away add half; truncation adds nothing.
  const half = shift === 0 ? 0 : 1 << (shift - 1);
  const lsbMask = nearest && !f.tiesAway && shift > 0 ? 1 : 0;
  const roundAdd = !nearest ? 0 : f.tiesAway ? half : Math.max(half - 1, 0);

  const saturating = o.overflow === 'saturate' || o.rounding === 'toward-zero';
  const overflowBits = (u: number): number =>
    saturating || (!f.infinities && !f.hasNan) ? maxBits | (u & SIGN) : f.infinities ? INF | (u & SIGN) : nanBits(f, u);

  // Step 3: round |x| below the smallest normal, in units of the smallest subnormal q.
  const q = f.minSubnormal;
  const invQ = 1 / q;
  const belowNormal = (u: number, x: number): number => {
    const t = Math.abs(x) * invQ;
    let n: number;
    // ml_dtypes rounds float32 subnormals up to the next power of two in a format without subnormals (e8m0).
    if (nearest) n = !f.subnormals ? Math.ceil(t) : f.tiesAway ? Math.round(t) : roundHalfEven(t);
    else if (stochastic) n = Math.floor(t + (rand!.int32() >>> 0) / 2 ** 32);
    else n = Math.floor(t);
    let r = n * q;
    if (o.flushSubnormals && r < f.minNormal) r = 0;
    if (r === 0 && !f.hasZero) return Math.abs(x) === 0 ? nanBits(f, u) : float32Bits(f.minNormal);
    if (r === 0) return f.signedZero ? u & SIGN : 0;
    return float32Bits(r) | (u & SIGN);
  };

  const one = (u: number, x: number): number => {
    const a = u & 0x7fffffff;
    if (a >= normalStart && a < INF && (u & signFail) === 0) {
      // 2. normal range: integer rounding of the mantissa
      const add = stochastic ? rand!.int32() & low : roundAdd + ((a >>> shift) & lsbMask);
      const r = (a + add) & keep;
      return r > maxBits ? overflowBits(u) : r | (u & SIGN); // 4.
    }
    if (a > INF || (u & signFail) !== 0) return nanBits(f, u); // 1. NaN, or a negative number in an unsigned format
    if (a === INF) return f.infinities && o.overflow === 'ieee' ? u : overflowBits(u); // 1. ±inf
    return belowNormal(u, x); // 3.
  };
  const zeroIsExact = f.hasZero && f.signedZero;
  // What the SIMD kernel rounds itself, beyond the normal range: overflow where the result is a constant
  // with the input's sign; subnormals where step 3 is a ties-to-even multiple of q with a signed zero (and q,
  // 1/q are float32 normals); negative numbers in an unsigned format (all NaN).
  const overflowConst = saturating || (!f.infinities && !f.hasNan) ? maxBits : f.infinities ? INF : undefined;
  const subnormalSimd =
    nearest &&
    f.subnormals &&
    !f.tiesAway &&
    f.signedZero &&
    f.hasZero &&
    !o.flushSubnormals &&
    normalStart > F32_MIN_NORMAL;
  // Step 2 by the FPU in round_full, (|x| + c) − c with c = 2^(e + shift): ties to even, c finite while
  // |x| < 2^(127 − shift) (the kernel flags larger lanes).
  const fpuRounding = nearest && !f.tiesAway && shift > 0;
  const highest = fpuRounding ? ((254 - shift) << 23) - 1 : 0x7f7fffff;
  // With subnormals in the kernel, float32 subnormals and zeros round there too (no lower bound).
  const [lowFlag, highFlag] = [
    subnormalSimd ? 0 : normalStart,
    Math.min(overflowConst === undefined ? maxBits : 0x7f7fffff, highest),
  ];
  return {
    shift,
    roundAdd,
    lsbMask,
    keep,
    normalStart,
    maxBits,
    signFail,
    zeroIsExact,
    low: lowFlag,
    high: highFlag,
    overflowOut: overflowConst ?? 0,
    magic: subnormalSimd ? q * 2 ** 23 : 0,
    negativeMask: f.signed ? 0 : -1,
    negativeOut: f.signed ? 0 : nanBits(f, SIGN),
    features:
      (overflowConst === maxBits ? 1 : overflowConst !== undefined ? 2 : 0) |
      (subnormalSimd ? 4 : 0) |
      (f.signed ? 0 : 8) |
      (fpuRounding ? 16 : 0),
    overflowFrom: lastBelowOverflow(maxBits, (a) => (a + roundAdd + ((a >>> shift) & lsbMask)) & keep),
    fullHelps: lowFlag !== normalStart || highFlag !== maxBits || !f.signed,
    fullAt: new Set<number>(),
    one,
  };
}

/** The largest float32 magnitude bits a whose step-2 result r(a) (monotone in a) is at most maxBits. */
function lastBelowOverflow(maxBits: number, r: (a: number) => number): number {
  let [lo, hi] = [maxBits, 0x7f7fffff]; // r(lo) ≤ maxBits
  if (r(hi) <= maxBits) return hi;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (r(mid) <= maxBits) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The float32 bit pattern that a NaN input (or a NaN result) takes in format f, as ml_dtypes produces it.
 * `keepPayload` says whether the payload bits that fit in the format survive (else a quiet NaN results).
 */
export function nanBits(f: FloatFormat, u: number, keepPayload = f.castKeepsNanPayload): number {
  const sign = u & SIGN;
  switch (f.nan) {
    case 'none':
      // ml_dtypes 0.6 maps NaN to the zero of the opposite sign in formats without NaN.
      return sign ? 0 : SIGN;
    case 'negative-zero':
      return SIGN | QUIET_NAN; // the fnuz NaN code 0b1_000… decodes to a negative NaN
    default: {
      if (!f.signed) return QUIET_NAN;
      if (!keepPayload) return sign | QUIET_NAN;
      const shift = 23 - f.manBits;
      const payload = (u & 0x7fffff) >>> shift || 1; // keep a NaN a NaN when the kept payload bits are 0
      return sign | INF | (payload << shift);
    }
  }
}

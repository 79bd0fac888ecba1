/**
 * Rounding to a format: `roundArray` and `roundValue`, bit-identical to ml_dtypes' astype. Float formats run the
 * rounding plan (plan.ts) through its scalar converter here, and through the SIMD kernel (simd/) where it applies;
 * integer grids round and clamp. codec.ts is the independent oracle: a second implementation, written from the
 * spec alone, that the tests hold this one to bit for bit.
 */
import seedrandom from 'seedrandom';
import { describeValue, OptionError } from '../errors';
import { F32_INF as INF, F32_SIGN, float32Bits, float32FromBits, views } from './bits';
import { getFormat, type FormatLike } from './registry';
import { floatPlan, nanOf, overflowOf, type FloatPlan } from './plan';
import { resolveRoundOptions, type RoundOptions } from './round_options';
import { roundOnHeap, roundWithSimd, type ScalarRound } from './simd/simd_round';
import type { WasmMemory } from './simd/webassembly';
import type { FloatFormat, IntFormat } from './spec';

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
  const out = uninitialized(values.length);
  roundInto(values, out, format, options);
  return out;
}

/**
 * A Float32Array of n values, to be written in full: in Node without the zero fill, which costs as much as a
 * fast rounding pass (Buffer.allocUnsafeSlow: its own ArrayBuffer, not the pool's).
 */
function uninitialized(n: number): Float32Array {
  if (typeof Buffer === 'undefined') return new Float32Array(n);
  return new Float32Array(Buffer.allocUnsafeSlow(4 * n).buffer, 0, n);
}

/** Rounds one number (to float32 first, as the tensors do). */
export function roundValue(value: number, format: FormatLike, options?: RoundOptions): number {
  const f = getFormat(format);
  const o = resolveRoundOptions(options);
  if (f.kind === 'int' || o.rounding === 'stochastic') return roundArray(Float32Array.of(value), f, o)[0]!;
  const u = float32Bits(value) | 0; // the float32 bits, as Float32Array.of(value) holds them
  return float32FromBits(scalarConverter(floatPlan(f, o), o.seed)(u, float32FromBits(u)));
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
  const cast = options === undefined && typeof format === 'string' ? castPlans.get(format) : undefined;
  if (cast) return roundOnHeap(memory, malloc, src, dst, n, cast.plan, cast.one);
  const f = getFormat(format);
  const o = resolveRoundOptions(options);
  if (f.kind !== 'float' || o.rounding === 'stochastic') return false;
  const plan = floatPlan(f, o);
  const one = scalarConverter(plan, o.seed);
  if (options === undefined && typeof format === 'string') castPlans.set(format, { plan, one });
  return roundOnHeap(memory, malloc, src, dst, n, plan, one);
}

/** Each float format's plan and converter under the default options, by name: kernels cast many small tensors. */
const castPlans = new Map<string, { plan: FloatPlan; one: ScalarRound }>();

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

const SIGN = F32_SIGN | 0; // as an int32, like the bits it masks

/**
 * The generic float converter, run by the plan (plan.ts: its steps 1 to 4). Step 2 is almost every element of
 * real data; the SIMD kernel does it sixteen lanes a turn and hands the other lanes back to the scalar
 * converter below.
 */
function roundFloat(src: Float32Array, dst: Float32Array, f: FloatFormat, o: Required<RoundOptions>): void {
  const plan = floatPlan(f, o);
  const one = scalarConverter(plan, o.seed);
  if (plan.normalRounding !== 'stochastic' && roundWithSimd(src, dst, plan, one)) return;
  const { i32: s32, f32: sf } = views(src);
  const d32 = views(dst).i32;
  for (let i = 0; i < s32.length; i++) d32[i] = one(s32[i]!, sf[i]!);
}

/** Converters for deterministic plans, built once; a stochastic one holds its random stream, so is built per call. */
const converters = new WeakMap<FloatPlan, ScalarRound>();

/** The plan's scalar converter: float32 bits of the rounded value, from the input's bits u and value x. */
function scalarConverter(p: FloatPlan, seed: number | string): ScalarRound {
  const cached = converters.get(p);
  if (cached) return cached;
  const stochastic = p.normalRounding === 'stochastic';
  const rand = stochastic ? seedrandom.alea(String(seed)) : undefined;
  const { shift, low, roundAdd, lsbMask, normalStart, maxBits, q } = p;
  const [keep, signFail] = [p.keep | 0, p.signFail | 0]; // as int32s, like the bits they mask
  const invQ = 1 / q;

  // 3. |x| below the smallest normal, in units of q (float64 arithmetic: scaling by powers of two is exact)
  const belowNormal = (u: number, x: number): number => {
    const t = Math.abs(x) * invQ;
    let n: number;
    if (p.subnormalRounding === 'tiesEven') n = roundHalfEven(t);
    else if (p.subnormalRounding === 'tiesAway') n = Math.round(t);
    else if (p.subnormalRounding === 'up') n = Math.ceil(t);
    else if (p.subnormalRounding === 'stochastic') n = Math.floor(t + (rand!.int32() >>> 0) / 2 ** 32);
    else n = Math.floor(t);
    let r = n * q;
    if (float32Bits(r) < p.flushBelow) r = 0;
    if (r === 0 && !p.hasZero) return Math.abs(x) === 0 ? nanOf(p, u) : p.minNormalBits;
    if (r === 0) return u & p.zeroSign;
    return float32Bits(r) | (u & SIGN);
  };

  const one = (u: number, x: number): number => {
    const a = u & 0x7fffffff;
    if (a >= normalStart && a < INF && (u & signFail) === 0) {
      // 2. normal range: integer rounding of the mantissa
      const add = stochastic ? rand!.int32() & low : roundAdd + ((a >>> shift) & lsbMask);
      const r = (a + add) & keep;
      return r > maxBits ? overflowOf(p, u) : r | (u & SIGN); // 4.
    }
    if (a > INF || (u & signFail) !== 0) return nanOf(p, u); // 1. NaN, or a negative number in an unsigned format
    if (a === INF) return p.infStays ? u : overflowOf(p, u); // 1. ±inf
    return belowNormal(u, x); // 3.
  };
  if (!stochastic) converters.set(p, one);
  return one;
}

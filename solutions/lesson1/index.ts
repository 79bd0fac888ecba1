/** Lesson 1: what mixed precision is: the formats themselves. 第1课：什么是混合精度训练——格式本身。 */

/** A format's limits (l1.q1). 格式的极限（l1.q1）。 */
export interface Limits {
  maxFinite: number;
  minNormal: number;
  minSubnormal: number;
  epsilon: number;
}

/**
 * l1.q1: the limits of an IEEE-style binary format with `expBits` exponent and `manBits` mantissa bits: bias
 * 2^(expBits−1) − 1, the all-ones exponent reserved for ±∞ and NaN, subnormals at exponent field 0.
 *
 *     formatLimits(5, 10).maxFinite   // 65504 (float16)
 */
export function formatLimits(expBits: number, manBits: number): Limits {
  // BEGIN SOLUTION l1.q1
  const bias = 2 ** (expBits - 1) - 1;
  const maxExp = 2 ** expBits - 2 - bias; // the all-ones exponent is inf/NaN
  return {
    maxFinite: (2 - 2 ** -manBits) * 2 ** maxExp,
    minNormal: 2 ** (1 - bias),
    minSubnormal: 2 ** (1 - bias - manBits),
    epsilon: 2 ** -manBits,
  };
  // END SOLUTION
}

/**
 * A small float format: `expBits` exponent bits with the usual bias 2^(expBits−1) − 1, `manBits` mantissa bits,
 * a sign bit, and which codes are special:
 * - `'ieee'` (float16, bfloat16, float8_e5m2): the all-ones exponent holds ±∞ (mantissa 0) and NaN (any other);
 * - `'fn'` (float8_e4m3fn): no infinity; only the codes with every exponent and mantissa bit set are NaN, and
 *   the all-ones exponent otherwise holds ordinary numbers;
 * - `'none'` (float4_e2m1fn, the float6 formats): every code is a finite number.
 *
 * 一种小浮点格式：`expBits` 个指数位（偏置按惯例为 2^(expBits−1) − 1）、`manBits` 个尾数位、一个符号位，以及哪些
 * 编码是特殊值：
 * - `'ieee'`（float16、bfloat16、float8_e5m2）：全 1 指数域表示 ±∞（尾数为 0）和 NaN（尾数非 0）；
 * - `'fn'`（float8_e4m3fn）：没有无穷大；只有指数位和尾数位全为 1 的编码是 NaN，全 1 指数域的其他编码都是普通数；
 * - `'none'`（float4_e2m1fn 和 float6 格式）：每个编码都是有限数。
 */
export interface SmallFloatSpec {
  expBits: number;
  manBits: number;
  special: 'ieee' | 'fn' | 'none';
}

/**
 * l1.q2: the number that the code `bits` (an unsigned integer of 1 + expBits + manBits bits, the sign bit on top)
 * stands for in the format `spec`, as ml_dtypes decodes it: −0 where the sign bit is set on a zero, NaN for
 * every NaN code, ±Infinity for the infinities.
 *
 *     decodeFloat(0x3c00, { expBits: 5, manBits: 10, special: 'ieee' })   // 1 (float16)
 */
export function decodeFloat(bits: number, spec: SmallFloatSpec): number {
  // BEGIN SOLUTION l1.q2
  const { expBits: E, manBits: M, special } = spec;
  const sign = Math.floor(bits / 2 ** (E + M)) % 2 === 1 ? -1 : 1;
  const exponent = Math.floor(bits / 2 ** M) % 2 ** E;
  const mantissa = bits % 2 ** M;
  const allOnes = 2 ** E - 1;
  if (special === 'ieee' && exponent === allOnes) return mantissa === 0 ? sign * Infinity : NaN;
  if (special === 'fn' && exponent === allOnes && mantissa === 2 ** M - 1) return NaN;
  const bias = 2 ** (E - 1) - 1;
  if (exponent === 0) return sign * (mantissa / 2 ** M) * 2 ** (1 - bias); // subnormal: no implicit 1
  return sign * (1 + mantissa / 2 ** M) * 2 ** (exponent - bias);
  // END SOLUTION
}

/**
 * l1.q3: `x` (a float32 value) stored in the IEEE-style format (as in l1.q1) with `expBits` exponent and `manBits`
 * mantissa bits, as a cast in ml_dtypes or torch stores it: the representable value nearest to x, a tie going to the
 * neighbour whose last mantissa bit is 0; values too large for the format become ±Infinity, and the sign of a
 * result that is zero is kept. NaN stays NaN.
 *
 *     roundToFormat(0.1, 5, 10)   // 0.0999755859375 (float16)
 */
export function roundToFormat(x: number, expBits: number, manBits: number): number {
  // BEGIN SOLUTION l1.q3
  if (!Number.isFinite(x) || x === 0) return x; // NaN, ±∞ and ±0 are stored as they are
  const bias = 2 ** (expBits - 1) - 1;
  const maxExp = 2 ** expBits - 2 - bias;
  const a = Math.abs(x);
  const e = Math.max(Math.floor(Math.log2(a)), 1 - bias); // subnormals share the smallest normal exponent
  const ulp = 2 ** (e - manBits);
  const q = a / ulp; // exact: a power-of-two scaling
  let n = Math.floor(q);
  const rest = q - n;
  if (rest > 0.5 || (rest === 0.5 && n % 2 === 1)) n += 1; // nearest, ties to even
  const stored = n * ulp;
  const maxFinite = (2 - 2 ** -manBits) * 2 ** maxExp;
  return Math.sign(x) * (stored > maxFinite ? Infinity : stored);
  // END SOLUTION
}

/**
 * l1.q4: the smallest power of two u such that w + u, stored in the IEEE-style format with `expBits` exponent and
 * `manBits` mantissa bits (as roundToFormat stores it), is no longer w. `w` is a finite value of that format:
 * think of it as a weight kept in that format and of u as the smallest update that moves it.
 *
 *     smallestChange(1, 8, 7)   // 2^-7 (bfloat16): 1 + 2^-8 is a tie, and goes back to 1
 */
export function smallestChange(w: number, expBits: number, manBits: number): number {
  // BEGIN SOLUTION l1.q4
  let u = 2 ** -1074; // the smallest double: w + u stores as w in any format
  while (roundToFormat(w + u, expBits, manBits) === w) u *= 2;
  return u;
  // END SOLUTION
}

/**
 * l1.q5 (open): a value that float32 holds exactly and that bfloat16 and float16 both store more than 1 % off.
 *
 *     hardToStore()   // one such value
 */
export function hardToStore(): number {
  // BEGIN SOLUTION l1.q5
  // bfloat16 stores any value of its normal range within 2^-8 ≈ 0.4 %, so the value lies below 2^-126, among its
  // subnormals (2^-133 apart), where float16 has long flushed to zero. Halfway between two of them, 1.5 · 2^-133 is
  // a tie that rounds to the even neighbour 2^-132: a third off.
  return 1.5 * 2 ** -133;
  // END SOLUTION
}

/** Lesson 1: what mixed precision is: the formats themselves. 第1课：什么是混合精度训练——格式本身。 */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/** A format's limits (l1.q1). 格式的极限（l1.q1）。 */
export interface Limits {
  maxFinite: number;
  minNormal: number;
  minSubnormal: number;
  epsilon: number;
}

/**
 * l1.q1: A format's limits from its exponent and mantissa bits
 * 由指数位数和尾数位数推出格式的极限
 *
 * The limits of an IEEE-style binary format with `expBits` exponent bits and `manBits` mantissa bits:
 * `maxFinite` (the largest finite value), `minNormal` (the smallest positive normal value), `minSubnormal` (the
 * smallest positive value) and `epsilon` (the gap between 1 and the next larger value). IEEE-style: bias
 * 2^(expBits−1) − 1, the all-ones exponent field reserved for ±∞ and NaN, subnormals at exponent field 0.
 *
 * formatLimits(5, 10).maxFinite // 65504 (float16)
 *
 * IEEE 风格二进制格式（`expBits` 个指数位，`manBits` 个尾数位）的极限：`maxFinite`（最大有限值）、`minNormal`（
 * 最小正规正数）、`minSubnormal`（最小正数）和 `epsilon`（1 与下一个更大值之间的间距）。IEEE 风格是指：指数偏置
 * 为 2^(expBits−1) − 1，全 1 的指数域留给 ±∞ 和 NaN，指数域为 0 时是次正规数。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function formatLimits(expBits: number, manBits: number): Limits {
  throw new NotImplementedError('l1.q1');
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
 * l1.q2: Decode a bit pattern of a small float format, given its spec
 * 按格式说明解码小浮点格式的位模式
 *
 * The number that the code `bits` (an unsigned integer of 1 + expBits + manBits bits, the sign bit on top)
 * stands for in the format `spec` (see `SmallFloatSpec`), as ml_dtypes decodes it: −0 where the sign bit is set
 * on a zero, NaN for every NaN code, ±Infinity for the infinities.
 *
 * decodeFloat(0x3c00, { expBits: 5, manBits: 10, special: 'ieee' }) // 1 (float16)
 *
 * 编码 `bits`（1 + expBits + manBits 位的无符号整数，最高位是符号位）在格式 `spec`（见 `SmallFloatSpec`）中代表
 * 的数，与 ml_dtypes 的解码一致：符号位为 1 的零返回 −0，所有 NaN 编码返回 NaN，无穷大返回 ±Infinity。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function decodeFloat(bits: number, spec: SmallFloatSpec): number {
  throw new NotImplementedError('l1.q2');
}

/**
 * l1.q3: Round a float32 value into an IEEE-style format
 * 把 float32 值舍入到 IEEE 风格格式
 *
 * `x` (a float32 value) stored in the IEEE-style format (as in l1.q1) with `expBits` exponent and `manBits`
 * mantissa bits, as a plain cast in ml_dtypes or torch stores it: the representable value nearest to x, a tie
 * going to the neighbour whose last mantissa bit is 0. Past `maxFinite` the same rule applies as if the format
 * went on, and a result beyond `maxFinite` becomes ±Infinity. A result of zero keeps the sign of x; NaN stays
 * NaN.
 *
 * roundToFormat(0.1, 5, 10) // 0.0999755859375 (float16)
 *
 * 把 `x`（一个 float32 值）存进 IEEE 风格的格式（同 l1.q1，`expBits` 个指数位，`manBits` 个尾数位），结果与
 * ml_dtypes 或 torch 的普通类型转换一致：取离 x 最近的可表示值，平局时取末位尾数为 0 的那个邻居。超过
 * `maxFinite` 时按格式继续延伸的同一规则舍入，结果大于 `maxFinite` 就成为 ±Infinity。结果为零时保留 x 的符号；
 * NaN 仍是 NaN。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function roundToFormat(x: number, expBits: number, manBits: number): number {
  throw new NotImplementedError('l1.q3');
}

/**
 * l1.q4: The smallest update that moves a weight stored in a format
 * 能改变以某格式保存的权重的最小更新量
 *
 * The smallest power of two u such that w + u, stored in the IEEE-style format with `expBits` exponent and
 * `manBits` mantissa bits (rounded as in l1.q3), is no longer w. `w` is a finite value of that format, of either
 * sign: think of it as a weight kept in that format, and of u as the smallest update that moves it.
 *
 * smallestChange(1, 8, 7) // 2^-7 (bfloat16): 1 + 2^-8 is a tie, and goes back to 1
 *
 * 求最小的 2 的幂 u，使 w + u 存进 IEEE 风格格式（`expBits` 个指数位，`manBits` 个尾数位，按 l1.q3 的方式舍入）
 * 后不再等于 w。`w` 是该格式中的有限值，可正可负：把它看成以该格式保存的权重，u 就是能改变它的最小更新量。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function smallestChange(w: number, expBits: number, manBits: number): number {
  throw new NotImplementedError('l1.q4');
}

/**
 * l1.q5: Open task: a value both 16-bit formats store badly
 * 开放题：两种 16 位格式都存不准的值
 *
 * A value x ≠ 0 that float32 holds exactly (Math.fround(x) === x) and that bfloat16 and float16 both store more
 * than 1 % off (relative error |stored − x| / |x|); a value both store more than 10 % off earns the last point.
 * Any such value passes: the grader stores it in both formats and measures.
 *
 * 返回一个 float32 能精确表示（Math.fround(x) === x）的非零值 x，且 bfloat16 和 float16 存它时的相对误差（|存储
 * 值 − x| / |x|）都超过 1%；两种格式的误差都超过 10% 时得到最后 1 分。任何满足条件的值都能得分：评分程序会把它存
 * 进两种格式并测量误差。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function hardToStore(): number {
  throw new NotImplementedError('l1.q5');
}

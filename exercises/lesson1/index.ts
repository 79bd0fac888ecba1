/** Lesson 1: what mixed precision is: the formats themselves. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

export interface Limits {
  maxFinite: number;
  minNormal: number;
  minSubnormal: number;
  epsilon: number;
}

/**
 * l1.q1: A format's limits from its exponent and mantissa bits
 * 由指数位数和尾数位数求格式的极限
 *
 * The limits of an IEEE-style binary format with `expBits` exponent and `manBits` mantissa bits.
 *
 * 求一种 IEEE 风格二进制格式的各项极限：它有 `expBits` 个指数位和 `manBits` 个尾数位。
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
 * l1.q2: Decode a float16 bit pattern
 * 解码 float16 的位模式
 *
 * The value of a float16 bit pattern (0..65535): sign, 5 exponent bits, 10 mantissa bits.
 *
 * 求 float16 位模式（0..65535）表示的值：1 个符号位、5 个指数位、10 个尾数位。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function decodeFloat16(bits: number): number {
  throw new NotImplementedError('l1.q2');
}

/**
 * l1.q3: Bytes to store values in a packed format
 * 紧密打包存储若干个值所需的字节数
 *
 * Bytes to store `count` values in a format of `bits` bits, packed (e.g. float4 packs two per byte).
 *
 * 以 `bits` 位的格式紧密打包存储 `count` 个值所需的字节数（例如 float4 每个字节放两个值）。
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function storageBytes(count: number, bits: number): number {
  throw new NotImplementedError('l1.q3');
}

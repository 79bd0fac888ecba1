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
 * l1.q1: the limits of an IEEE-style binary format with `expBits` exponent and `manBits` mantissa bits.
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
 * l1.q2: the value of a float16 bit pattern (0..65535): sign, 5 exponent bits, 10 mantissa bits.
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
 * l1.q3: bytes to store `count` values in a format of `bits` bits, packed (e.g. float4 packs two per byte).
 *
 * Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are
 * available while its cases run.
 *
 * 按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。
 */
export function storageBytes(count: number, bits: number): number {
  throw new NotImplementedError('l1.q3');
}

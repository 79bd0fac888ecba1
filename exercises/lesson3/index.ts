/** Lesson 3: its problems: rounding, overflow, underflow and swamping. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/**
 * l3.q1: round a number to the nearest float16 value (ties to even), handling subnormals, overflow to ±Infinity
 * (from 65520 up), NaN and −0. Use arithmetic or bit manipulation, not the library's rounding.
 *
 * Graded with only the library's `formats/registry` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/registry`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function roundToFloat16(x: number): number {
  throw new NotImplementedError('l3.q1');
}

export interface CastLoss {
  overflow: number;
  underflow: number;
}

/**
 * l3.q2: the fractions of `values` that overflow (become ±inf) and that underflow (non-zero, become 0) in float16.
 *
 * Graded with only the library's `formats`, `ops` and the package `@tensorflow/tfjs` available: every other
 * library module and package, and the platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats`, `ops` 和 包 `@tensorflow/tfjs`；运行用例时，其他库模块和包以及平台自带的
 * float16 转换都不存在。
 */
export function castLoss(values: number[]): CastLoss {
  throw new NotImplementedError('l3.q2');
}

/**
 * l3.q3: sum `values` in float16 with Kahan's compensated summation: every addition and subtraction is rounded
 * to float16 (roundValue(…, 'float16')). Return the float16 sum.
 *
 * Graded with only the library's `formats`, `ops` and the package `@tensorflow/tfjs` available: every other
 * library module and package, and the platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats`, `ops` 和 包 `@tensorflow/tfjs`；运行用例时，其他库模块和包以及平台自带的
 * float16 转换都不存在。
 */
export function kahanSumFloat16(values: number[]): number {
  throw new NotImplementedError('l3.q3');
}

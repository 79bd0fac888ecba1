/** Lesson 3: its problems: rounding, overflow, underflow, swamping and the optimizer's numerics. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/**
 * l3.q1: the float16 value nearest to `x`, as a float16 stores it: ties go to the even neighbour, subnormals keep
 * their fixed spacing, values too large become ±Infinity, and NaN and −0 stay themselves. Use arithmetic or bit
 * manipulation, not the library's rounding.
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
 * l3.q2: the fractions of the finite `values` that overflow (become ±Infinity) and that underflow (are non-zero
 * and become 0) when cast to float16. You may round with the library's `roundValue`.
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

/**
 * l3.q4: the fraction of the non-zero `updates` that weights stored in `format` lose entirely. Each weight is
 * stored in `format` (round to nearest even); the optimizer adds its update in float32 and stores the result in
 * `format` again; an update is lost when the stored weight comes out unchanged. Updates of 0 do not count. You
 * may round with the library's `roundValue`.
 *
 * Graded with only the library's `formats`, `ops` and the package `@tensorflow/tfjs` available: every other
 * library module and package, and the platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats`, `ops` 和 包 `@tensorflow/tfjs`；运行用例时，其他库模块和包以及平台自带的
 * float16 转换都不存在。
 */
export function lostUpdates(weights: number[], updates: number[], format: string): number {
  throw new NotImplementedError('l3.q4');
}

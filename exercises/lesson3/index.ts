/** Lesson 3: its problems: rounding, overflow, underflow and swamping. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/**
 * l3.q1: Round to float16 yourself
 * 自己实现舍入到 float16
 *
 * Round a number to the nearest float16 value (ties to even), handling subnormals, overflow to ±Infinity (from
 * 65520 up), NaN and −0. Use arithmetic or bit manipulation, not the library's rounding.
 *
 * 把一个数舍入到最近的 float16 值（向偶数舍入），要处理次正规数、上溢到 ±Infinity（从 65520 起）、NaN 和 −0。用
 * 算术或位运算实现，不要用库里的舍入函数。
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
 * l3.q2: Count overflow and underflow
 * 统计上溢和下溢
 *
 * The fractions of `values` that overflow (become ±inf) and that underflow (non-zero, become 0) in float16.
 *
 * 求 `values` 转成 float16 时上溢（变成 ±inf）和下溢（非零值变成 0）的比例。
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
 * l3.q3: Kahan summation in float16
 * 用 float16 做 Kahan 求和
 *
 * Sum `values` in float16 with Kahan's compensated summation: every addition and subtraction is rounded to
 * float16 (roundValue(…, 'float16')). Return the float16 sum.
 *
 * 用 Kahan 补偿求和在 float16 中对 `values` 求和：每次加法和减法都舍入到 float16（roundValue(…, 'float16')）。返
 * 回 float16 的和。
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

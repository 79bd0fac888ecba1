/** Lesson 3: its problems: rounding, overflow, underflow, swamping and the optimizer's numerics. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/**
 * l3.q1: Round to float16 yourself
 * 自己实现舍入到 float16
 *
 * l3.q1: the float16 value nearest to `x`, as a float16 stores it: ties go to the even neighbour, subnormals
 * keep their fixed spacing, values too large become ±Infinity, and NaN and −0 stay themselves. Use arithmetic or
 * bit manipulation, not the library's rounding.
 *
 * l3.q1：返回离 `x` 最近的 float16 值，与 float16 的存储方式一致：平局舍向偶数邻居，次正规数保持固定间距，过大的
 * 值变成 ±Infinity，NaN 和 −0 保持不变。请用算术或位操作实现，不要用库里的舍入函数。
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
 * l3.q2: the fractions of the finite `values` that overflow (become ±Infinity) and that underflow (are non-zero
 * and become 0) when cast to float16. You may round with the library's `roundValue`.
 *
 * l3.q2：有限值 `values` 转换成 float16 时，上溢（变成 ±Infinity）和下溢（非零且变成 0）的比例。可以用库里的
 * `roundValue` 舍入。
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
 * float16 中的 Kahan 求和
 *
 * l3.q3: sum `values` in float16 with Kahan's compensated summation: every addition and subtraction is rounded
 * to float16 (roundValue(…, 'float16')). Return the float16 sum.
 *
 * l3.q3：用 Kahan 补偿求和在 float16 中对 `values` 求和：每次加法和减法都舍入到 float16（roundValue(…,
 * 'float16')）。返回 float16 的和。
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
 * l3.q4: Updates that weights stored in 16 bits lose
 * 16 位权重丢掉的更新
 *
 * l3.q4: the fraction of the non-zero `updates` that weights stored in `format` lose entirely. Each weight is
 * stored in `format` (round to nearest even); the optimizer adds its update in float32 and stores the result in
 * `format` again; an update is lost when the stored weight comes out unchanged. Updates of 0 do not count. You
 * may round with the library's `roundValue`.
 *
 * l3.q4：以 `format` 存储的权重会整个丢掉的非零 `updates` 所占的比例。每个权重以 `format` 存储（就近舍入，平局取
 * 偶）；优化器在 float32 中加上更新，再把结果存回 `format`；存下来的权重没有变化，这次更新就丢了。值为 0 的更新
 * 不计。可以用库里的 `roundValue` 舍入。
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

/**
 * l3.q5: The smallest loss scale that rescues the gradients
 * 能救回梯度的最小损失缩放因子
 *
 * l3.q5: find, by measuring, the smallest loss scale S = 2^k (k an integer from −64 to 64) at which casting S ·
 * g to float16 turns fewer than `budget` (a fraction) of the non-zero `gradients` into 0, and overflows none of
 * them to ±Infinity. `gradients` holds at least one non-zero value. Return S, or null when no such scale exists.
 * Graded by what S achieves: one that works but is not the smallest earns half the points. You may round with
 * the library's `roundValue`.
 *
 * l3.q5：通过测量，找出最小的损失缩放因子 S = 2^k（k 为 −64 到 64 之间的整数），使 S · g 转换成 float16 后，非零
 * 的 `gradients` 中变成 0 的比例小于 `budget`，并且没有一个上溢成 ±Infinity。`gradients` 中至少有一个非零值。返
 * 回 S；不存在这样的缩放因子时返回 null。按 S 实际做到的效果评分：可行但不是最小的得一半分。可以用库里的
 * `roundValue` 舍入。
 *
 * Graded with only the library's `formats`, `ops` and the package `@tensorflow/tfjs` available: every other
 * library module and package, and the platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats`, `ops` 和 包 `@tensorflow/tfjs`；运行用例时，其他库模块和包以及平台自带的
 * float16 转换都不存在。
 */
export function smallestLossScale(gradients: number[], budget: number): number | null {
  throw new NotImplementedError('l3.q5');
}

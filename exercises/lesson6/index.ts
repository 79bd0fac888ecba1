/** Lesson 6: where it is going: FP8 and microscaling. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

/**
 * l6.q1: Decode float8_e4m3fn
 * 解码 float8_e4m3fn
 *
 * The value of a float8_e4m3fn code (0..255): bias 7, no infinities, NaN only at 0x7f and 0xff.
 *
 * 求 float8_e4m3fn 编码（0..255）表示的值：偏置为 7，没有无穷大，只有 0x7f 和 0xff 是 NaN。
 *
 * Graded with only the library's `formats/registry` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/registry`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function decodeE4M3(code: number): number {
  throw new NotImplementedError('l6.q1');
}

/**
 * l6.q2: Delayed scaling
 * 延迟缩放（delayed scaling）
 *
 * Transformer Engine's delayed scale: fp8Max / max(amaxHistory) / 2^margin, or 1 while the history holds no
 * non-zero amax.
 *
 * Transformer Engine 的延迟缩放因子：fp8Max / max(amaxHistory) / 2^margin；历史中还没有非零 amax 时为 1。
 *
 * Graded with only the library's `formats/registry` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/registry`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function delayedScale(amaxHistory: number[], fp8Max: number, margin: number): number {
  throw new NotImplementedError('l6.q2');
}

/**
 * l6.q3: An MX block's shared scale
 * MX 块的共享缩放指数
 *
 * The shared scale exponent of an OCP MX block: floor(log2(max |v|)) − emaxElement (e.g. 8 for e4m3 elements),
 * so the largest element lands in the element format's top binade. Return −127 for an all-zero block.
 *
 * OCP MX 块的共享缩放指数：floor(log2(max |v|)) − emaxElement（例如 e4m3 元素为 8），使最大元素落在元素格式的最
 * 高二进区间。全零块返回 −127。
 *
 * Graded with only the library's `formats/registry` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限库的 `formats/registry`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function mxScaleExponent(values: number[], emaxElement: number): number {
  throw new NotImplementedError('l6.q3');
}

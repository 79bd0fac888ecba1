/** Lesson 2: how it is implemented: affine quantization and the straight-through estimator. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

export interface AffineQParams {
  scale: number;
  zeroPoint: number;
}

/**
 * l2.q1: Affine qparams from min and max
 * 由最小值和最大值求仿射量化参数
 *
 * torch's affine qparams for observed [min, max] and integer range [qmin, qmax]: the range is widened to include
 * 0, scale = (max − min)/(qmax − qmin) (at least eps = 2^-23), zeroPoint = qmin − round(min/scale) (round half
 * to even), clamped to [qmin, qmax]. Compute in float32 (Math.fround) as torch does.
 *
 * 按 torch 的做法，由观测到的 [min, max] 和整数范围 [qmin, qmax] 求仿射量化参数：先把区间扩展到包含 0，scale =
 * (max − min)/(qmax − qmin)（至少为 eps = 2^-23），zeroPoint = qmin − round(min/scale)（向偶数舍入），并截断到
 * [qmin, qmax]。像 torch 一样用 float32 计算（Math.fround）。
 *
 * Graded with only the package `@tensorflow/tfjs` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限包 `@tensorflow/tfjs`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function affineQParams(min: number, max: number, qmin: number, qmax: number): AffineQParams {
  throw new NotImplementedError('l2.q1');
}

/**
 * l2.q2: The fake quantizer's forward pass
 * 伪量化器的前向计算
 *
 * The fake quantizer's forward pass: (clamp(round(x/scale) + zeroPoint, qmin, qmax) − zeroPoint)·scale, ties to
 * even.
 *
 * 伪量化器的前向计算：(clamp(round(x/scale) + zeroPoint, qmin, qmax) − zeroPoint)·scale，向偶数舍入。
 *
 * Graded with only the package `@tensorflow/tfjs` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限包 `@tensorflow/tfjs`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function fakeQuantForward(
  values: number[],
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
): number[] {
  throw new NotImplementedError('l2.q2');
}

/**
 * l2.q3: The straight-through estimator
 * 直通估计器（STE）
 *
 * The clipping straight-through estimator's gradient mask: 1 where round(x/scale) + zeroPoint lies in [qmin,
 * qmax], else 0.
 *
 * 带截断的直通估计器的梯度掩码：round(x/scale) + zeroPoint 落在 [qmin, qmax] 内的位置为 1，否则为 0。
 *
 * Graded with only the package `@tensorflow/tfjs` available: every other library module and package, and the
 * platform's float16 conversions, are absent while its cases run.
 *
 * 评分时可用：仅限包 `@tensorflow/tfjs`；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。
 */
export function steMask(values: number[], scale: number, zeroPoint: number, qmin: number, qmax: number): number[] {
  throw new NotImplementedError('l2.q3');
}

/** Lesson 2: how it is implemented: affine quantization and the straight-through estimator. */

/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */
import { NotImplementedError } from '../../src/quiz/errors';

export interface AffineQParams {
  scale: number;
  zeroPoint: number;
}

/**
 * l2.q1: torch's affine qparams for observed [min, max] and integer range [qmin, qmax]: the range is widened
 * to include 0, scale = (max − min)/(qmax − qmin) (at least eps = 2^-23), zeroPoint = qmin − round(min/scale)
 * (round half to even), clamped to [qmin, qmax]. Compute in float32 (Math.fround) as torch does.
 *
 * Not allowed here (the question scores 0 if used): the library's `HistogramObserver`, `MinMaxObserver`,
 * `MovingAverageMinMaxObserver`, `ObserverBase`, `PerChannelMinMaxObserver`, `weightQParams`, `weightQParamsOf`.
 */
export function affineQParams(min: number, max: number, qmin: number, qmax: number): AffineQParams {
  throw new NotImplementedError('l2.q1');
}

/**
 * l2.q2: the fake quantizer's forward pass: (clamp(round(x/scale) + zeroPoint, qmin, qmax) − zeroPoint)·scale, ties to even.
 *
 * Not allowed here (the question scores 0 if used): the library's `affineQuantize`, `fakeCast`, `fakeQuantize`,
 * `fakeQuantizePerChannel`, `quantize`.
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
 * l2.q3: the clipping straight-through estimator's gradient mask: 1 where round(x/scale) + zeroPoint lies in [qmin, qmax], else 0.
 *
 * Not allowed here (the question scores 0 if used): the library's `affineQuantize`, `fakeCast`, `fakeQuantize`,
 * `fakeQuantizePerChannel`, `quantize`.
 */
export function steMask(values: number[], scale: number, zeroPoint: number, qmin: number, qmax: number): number[] {
  throw new NotImplementedError('l2.q3');
}

/** Lesson 2: how it is implemented: affine quantization and the straight-through estimator. */

export interface AffineQParams {
  scale: number;
  zeroPoint: number;
}

/**
 * l2.q1: torch's affine qparams for observed [min, max] and integer range [qmin, qmax]: the range is widened
 * to include 0, scale = (max − min)/(qmax − qmin) (at least eps = 2^-23), zeroPoint = qmin − round(min/scale)
 * (round half to even), clamped to [qmin, qmax]. Compute in float32 (Math.fround) as torch does.
 */
export function affineQParams(min: number, max: number, qmin: number, qmax: number): AffineQParams {
  // BEGIN SOLUTION l2.q1
  const f = Math.fround;
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = Math.max(f(f(hi - lo) / (qmax - qmin)), 2 ** -23);
  const t = f(lo / scale);
  const r = Math.round(t);
  const rounded = r - t === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return { scale, zeroPoint: Math.min(Math.max(qmin - rounded, qmin), qmax) };
  // END SOLUTION
}

/** l2.q2: the fake quantizer's forward pass: (clamp(round(x/scale) + zeroPoint, qmin, qmax) − zeroPoint)·scale, ties to even. */
export function fakeQuantForward(
  values: number[],
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
): number[] {
  // BEGIN SOLUTION l2.q2
  const roundEven = (t: number): number => {
    const r = Math.round(t);
    return r - t === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  return values.map((x) => (Math.min(Math.max(roundEven(x / scale) + zeroPoint, qmin), qmax) - zeroPoint) * scale);
  // END SOLUTION
}

/** l2.q3: the clipping straight-through estimator's gradient mask: 1 where round(x/scale) + zeroPoint lies in [qmin, qmax], else 0. */
export function steMask(values: number[], scale: number, zeroPoint: number, qmin: number, qmax: number): number[] {
  // BEGIN SOLUTION l2.q3
  return values.map((x) => {
    const q = Math.round(x / scale) + zeroPoint;
    return q >= qmin && q <= qmax ? 1 : 0;
  });
  // END SOLUTION
}

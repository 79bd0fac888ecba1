/** How far a quantized copy of a tensor is from the original: the statistics every block format reports. */
import { describeValue, OptionError } from '../errors';

export interface QuantErrorStats {
  /** Root-mean-square error. */
  readonly rmse: number;
  /** rmse divided by the root-mean-square of the original (0 for an all-zero original). */
  readonly relativeRmse: number;
  readonly maxAbs: number;
  /** Signal-to-quantization-noise ratio in dB: 10·log10(Σx² / Σ(x − q)²); Infinity when exact. */
  readonly sqnrDb: number;
  /** Fraction of non-zero values that became 0. */
  readonly zeroed: number;
}

/**
 * Error statistics of `approx` against `reference` (same length).
 *
 *     quantError(Float32Array.of(1, 2), Float32Array.of(1, 0)).zeroed   // 0.5
 */
export function quantError(reference: Float32Array, approx: Float32Array): QuantErrorStats {
  if (!(reference instanceof Float32Array) || !(approx instanceof Float32Array)) {
    throw new OptionError(
      `quantError needs two Float32Arrays. Received: ${describeValue(reference)}, ${describeValue(approx)}`,
      'values',
      reference,
    );
  }
  if (reference.length !== approx.length) {
    throw new OptionError(
      `quantError needs arrays of one length. Received: ${reference.length} and ${approx.length}`,
      'length',
      approx.length,
    );
  }
  let signal = 0;
  let noise = 0;
  let maxAbs = 0;
  let nonzero = 0;
  let zeroed = 0;
  for (let i = 0; i < reference.length; i++) {
    const x = reference[i]!;
    const d = x - approx[i]!;
    signal += x * x;
    noise += d * d;
    maxAbs = Math.max(maxAbs, Math.abs(d));
    if (x !== 0) {
      nonzero++;
      if (approx[i] === 0) zeroed++;
    }
  }
  const n = Math.max(reference.length, 1);
  return {
    rmse: Math.sqrt(noise / n),
    relativeRmse: signal > 0 ? Math.sqrt(noise / signal) : 0,
    maxAbs,
    sqnrDb: noise === 0 ? Infinity : 10 * Math.log10(signal / noise),
    zeroed: nonzero > 0 ? zeroed / nonzero : 0,
  };
}

/**
 * What a softmax's output loses when it is stored in a 16-bit format: why autocast's float32 rule for softmax
 * matters, measured. torch's CUDA kernel already subtracts the row's maximum and sums in float32 for a float16
 * input (SoftMaxForwardEpilogue in aten/src/ATen/native/cuda/SoftMax.cu: exp(input − max_input) / sum, both in
 * the accumulate type), so nothing overflows inside; what the rule decides is the format the probabilities are
 * stored in. Over n classes they average 1/n, and float16's normal range ends at 2^-14 ≈ 6.1e-5: past a few
 * thousand classes most probabilities are subnormal (fewer significant bits) or zero, and −log p of a zero is
 * an infinite loss.
 *
 *     softmaxOutput(32_000)   // rows for float32, bfloat16, float16: shares stored as 0, as subnormals, …
 */
import seedrandom from 'seedrandom';
import { checkOptionKeys, OptionError } from '../../mp/errors';
import { roundArray } from '../../mp/formats/round';
import { castStats } from '../../mp/numerics/stats';

export interface SoftmaxOutputOptions {
  /** Standard deviation of the normally distributed logits (default 2). */
  readonly logitStd?: number;
  readonly formats?: readonly string[];
  readonly seed?: number;
}

export interface SoftmaxOutputRow {
  readonly classes: number;
  readonly format: string;
  /** Share of the probabilities stored as 0: as a label, each would give an infinite loss −log p. */
  readonly zero: number;
  /** Share stored as subnormals: kept with fewer significant bits. */
  readonly subnormal: number;
  /** Median over the classes of |p_F − p| / p. */
  readonly medianRelativeError: number;
}

/** One row of logits (normal, seeded), its softmax in float64, and what each storage format keeps of it. */
export function softmaxOutput(classes: number, options: SoftmaxOutputOptions = {}): SoftmaxOutputRow[] {
  checkOptionKeys('softmaxOutput', options, ['logitStd', 'formats', 'seed']);
  const { logitStd = 2, formats = ['float32', 'bfloat16', 'float16'], seed = 0 } = options;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new OptionError(`classes must be a whole number ≥ 2. Received: classes=${classes}`, 'classes', classes);
  }
  const rand = seedrandom.alea(String(seed));
  // Box–Muller: two uniforms give one standard normal
  const logits = Float64Array.from({ length: classes }, () => {
    const u = 1 - rand();
    return logitStd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  });
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const sum = exps.reduce((s, e) => s + e, 0);
  const p = exps.map((e) => e / sum);
  return formats.map((format) => {
    const stored = roundArray(Float32Array.from(p), format);
    const stats = castStats(Float32Array.from(p), format);
    const errors = Array.from(stored, (s, i) => Math.abs(s - p[i]!) / p[i]!).sort((a, b) => a - b);
    return {
      classes,
      format,
      zero: stats.underflow,
      subnormal: stats.subnormal,
      medianRelativeError: errors[Math.floor(errors.length / 2)]!,
    };
  });
}

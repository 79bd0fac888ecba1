/**
 * What averaging gradients over data-parallel GPUs loses when the reduction runs in a low-precision format
 * (FSDP's `reduce_dtype`, DeepSpeed's communication data type). Every rank holds one gradient; a ring
 * all-reduce adds them one rank at a time, rounding the running sum to the format at each hop, while a tree adds
 * them in pairs. Both are simulated with the library's sumInFormat on the same inputs, and compared with the
 * exact mean of those inputs; "one rounding" is the error of rounding that exact mean to the format once, the
 * least any reduction in the format can do.
 *
 *     gradientReduceError({ ranks: 64, format: 'bfloat16' }).ring   // relative error of the averaged gradient
 */
import seedrandom from 'seedrandom';
import { checkChoice, checkOptionKeys, OptionError } from '../../mp/errors';
import { roundValue } from '../../mp/formats/round';
import { getFloatFormat } from '../../mp/formats/registry';
import { sumInFormat } from '../../mp/numerics/summation';

export const REDUCE_FORMATS = ['float32', 'bfloat16', 'float16'] as const;
export type ReduceFormat = (typeof REDUCE_FORMATS)[number];

export interface GradientReduceOptions {
  readonly ranks: number;
  readonly format: ReduceFormat;
  /** Gradient elements averaged (each independently). Default 500. */
  readonly elements?: number;
  /** Seeds the gradients. Default 0. */
  readonly seed?: number;
}

export interface GradientReduceError {
  readonly ranks: number;
  readonly format: ReduceFormat;
  /** ‖reduced − exact‖ / ‖exact‖ over the elements, for a ring (sequential) and a tree (pairwise) reduction. */
  readonly ring: number;
  readonly tree: number;
  /** The same for the exact mean rounded to the format once. */
  readonly oneRounding: number;
}

/** A standard normal draw (Box–Muller) from `rand`. */
function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * Averages one gradient per rank in `format` as a ring and as a tree would, and returns each one's relative
 * error against the exact mean. Each element's per-rank values are its true gradient (standard normal) plus
 * noise of the same size (a minibatch gradient's typical signal-to-noise), rounded to `format` as they would be
 * before being sent.
 *
 *     gradientReduceError({ ranks: 8, format: 'float32' }).ring   // float32: about 1e-7
 */
export function gradientReduceError(options: GradientReduceOptions): GradientReduceError {
  checkOptionKeys('gradientReduceError', options, ['ranks', 'format', 'elements', 'seed']);
  const format = checkChoice('format', options.format, REDUCE_FORMATS);
  const { ranks, elements = 500, seed = 0 } = options;
  for (const [name, v] of [
    ['ranks', ranks],
    ['elements', elements],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1 && v <= 1 << 16)) {
      throw new OptionError(`${name} must be an integer in 1..65536. Received: ${name}=${JSON.stringify(v)}`, name, v);
    }
  }
  const f = getFloatFormat(format);
  const rand = seedrandom.alea(`reduce-${seed}`);
  const err = { ring: 0, tree: 0, oneRounding: 0 };
  let norm = 0;
  const values = new Float64Array(ranks);
  for (let e = 0; e < elements; e++) {
    const signal = normal(rand);
    for (let r = 0; r < ranks; r++) values[r] = roundValue(signal + normal(rand), f);
    const exact = values.reduce((s, x) => s + x, 0) / ranks;
    const mean = (sum: number) => roundValue(sum / ranks, f);
    const d = {
      ring: mean(sumInFormat(values, f, { method: 'naive' })) - exact,
      tree: mean(sumInFormat(values, f, { method: 'pairwise' })) - exact,
      oneRounding: roundValue(exact, f) - exact,
    };
    err.ring += d.ring ** 2;
    err.tree += d.tree ** 2;
    err.oneRounding += d.oneRounding ** 2;
    norm += exact ** 2;
  }
  const rel = (x: number) => Math.sqrt(x / norm);
  return { ranks, format, ring: rel(err.ring), tree: rel(err.tree), oneRounding: rel(err.oneRounding) };
}

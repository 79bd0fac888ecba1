/**
 * Summation in a low-precision format: the inputs are rounded to a format, and every partial result (every
 * addition and, for Kahan, every subtraction) is rounded to the accumulator's format with the library's
 * rounding. This measures what a long reduction loses in float16 or bfloat16: swamping (an addend below half
 * an ulp of the running sum vanishes) and rounding error that grows with n, and what fixes it (a float32
 * accumulator, Kahan's compensated summation, pairwise summation).
 *
 *     sumInFormat([1, ...Array(1000).fill(1e-4)], 'float16')                       // 1: every 1e-4 is lost
 *     sumInFormat([1, ...Array(1000).fill(1e-4)], 'float16', { method: 'kahan' })  // 1.0996…
 *
 * Each operation is computed exactly in float64, rounded to float32, then to the accumulator's format. For a
 * sum or difference of two values of a format with p significand bits that double rounding equals a single
 * correct rounding whenever float32's 24 bits ≥ 2p + 2 (float16: p = 11, bfloat16: p = 8, float8s), so
 * the result is the IEEE operation of that format.
 */
import { checkChoice, checkOptionKeys, describeValue, OptionError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import { roundArray, roundValue } from '../formats/round';
import type { FloatFormat } from '../formats/spec';

export const SUMMATION_METHODS = ['naive', 'kahan', 'pairwise'] as const;
/**
 * `naive`: s ← round(s + x), left to right; error bound grows like n·ε.
 * `kahan`: compensated summation (Kahan 1965), every step rounded; error bound ~2ε, independent of n.
 * `pairwise`: a balanced tree of rounded additions; error bound grows like log2(n)·ε.
 */
export type SummationMethod = (typeof SUMMATION_METHODS)[number];

export interface SumOptions {
  /** Default `naive`. */
  readonly method?: SummationMethod;
  /** Format every partial result is rounded to (the accumulator). Default: the inputs' format. */
  readonly accumulator?: FormatLike;
}

export interface PartialSums {
  /** How many leading values each sum covers. */
  readonly counts: number[];
  /** The sum of the first counts[k] values, by the method, in the accumulator's format. */
  readonly sums: number[];
  /** The sum of the same rounded inputs in float64 with compensation: the reference. */
  readonly reference: number[];
  /** |sums[k] − reference[k]| / |reference[k]| (the absolute error where the reference is 0). */
  readonly relativeError: number[];
  readonly format: string;
  readonly accumulator: string;
  readonly method: SummationMethod;
}

const OPTION_KEYS = ['method', 'accumulator'];

/** A scalar rounding function for a format: float32 through Math.fround (the same values), others through roundValue. */
function rounder(f: FloatFormat): (x: number) => number {
  return f.name === 'float32' ? Math.fround : (x) => roundValue(x, f);
}

function resolve(
  values: unknown,
  format: FormatLike,
  options: SumOptions,
): { inputs: Float32Array; acc: FloatFormat; method: SummationMethod; format: FloatFormat } {
  checkOptionKeys('sumInFormat', options, OPTION_KEYS);
  if (!(values instanceof Float32Array || values instanceof Float64Array || Array.isArray(values))) {
    throw new OptionError(
      `values must be an array of numbers or a Float32Array. Received: ${describeValue(values)}`,
      'values',
      values,
    );
  }
  const list = values as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'number') {
      throw new OptionError(`values[${i}] must be a number. Received: ${describeValue(list[i])}`, 'values', values);
    }
  }
  const f = getFloatFormat(format);
  const acc = getFloatFormat(options.accumulator ?? f);
  const method = checkChoice('method', options.method ?? 'naive', SUMMATION_METHODS);
  const inputs = roundArray(Float32Array.from(values as ArrayLike<number>), f);
  return { inputs, acc, method, format: f };
}

/** One pass of naive or Kahan summation over `x`, calling `visit(i + 1, sum)` after each value. */
function scan(
  x: Float32Array,
  acc: FloatFormat,
  method: 'naive' | 'kahan',
  visit: (k: number, s: number) => void,
): void {
  const r = rounder(acc);
  const xs = roundArray(x, acc); // the inputs' format may be wider than the accumulator's
  let sum = 0;
  let c = 0; // Kahan's compensation: the low-order part lost from the last addition
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (method === 'naive') sum = r(sum + v);
    else {
      const y = r(v - c);
      const t = r(sum + y);
      c = r(r(t - sum) - y);
      sum = t;
    }
    visit(i + 1, sum);
  }
}

/** Pairwise (tree) summation, one level at a time: each level rounds all its pair sums in one call. */
function pairwise(x: Float32Array, acc: FloatFormat): number {
  if (x.length === 0) return 0;
  let level = roundArray(x, acc);
  while (level.length > 1) {
    const half = level.length >> 1;
    const next = new Float32Array(half + (level.length & 1));
    for (let i = 0; i < half; i++) next[i] = level[2 * i]! + level[2 * i + 1]!; // float64 sum, then float32
    if (level.length & 1) next[half] = level[level.length - 1]!; // the odd one out moves up unchanged
    level = acc.name === 'float32' ? next : roundArray(next, acc);
  }
  return level[0]!;
}

/** Neumaier's compensated float64 sum of the first n values: the reference. */
function referenceScan(x: Float32Array, visit: (k: number, s: number) => void): void {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
    visit(i + 1, sum + c);
  }
}

/**
 * The sum of `values`, each first rounded to `format`, with every partial result rounded to the accumulator
 * (default: `format`). `accumulator: 'float32'` with float16 inputs is what tensor cores and reductions do.
 */
export function sumInFormat(values: ArrayLike<number>, format: FormatLike, options: SumOptions = {}): number {
  const { inputs, acc, method } = resolve(values, format, options);
  if (method === 'pairwise') return pairwise(inputs, acc);
  let out = 0;
  scan(inputs, acc, method, (_, s) => (out = s));
  return out;
}

/**
 * Sums of the first counts[k] values (one pass for naive and Kahan, whose running sum is the sum of a prefix;
 * pairwise sums each prefix anew), with a float64 reference and the relative error: error against n.
 *
 *     partialSums(values, 'float16', [10, 100, 1000], { method: 'kahan' }).relativeError
 */
export function partialSums(
  values: ArrayLike<number>,
  format: FormatLike,
  counts: readonly number[],
  options: SumOptions = {},
): PartialSums {
  const { inputs, acc, method, format: f } = resolve(values, format, options);
  if (!Array.isArray(counts) || counts.length === 0) {
    throw new OptionError(
      `counts must be a non-empty array of integers. Received: ${String(counts)}`,
      'counts',
      counts,
    );
  }
  counts.forEach((n, k) => {
    if (!Number.isInteger(n) || n < 1 || n > inputs.length || (k > 0 && n <= counts[k - 1]!)) {
      throw new OptionError(
        `counts must be increasing integers in 1..${inputs.length} (the number of values). Received: ${counts.join(', ')}`,
        'counts',
        counts,
      );
    }
  });
  const last = counts[counts.length - 1]!;
  const x = inputs.subarray(0, last);
  const pick = (out: number[]) => {
    let k = 0;
    return (n: number, s: number) => {
      if (n === counts[k]) out[k++] = s;
    };
  };
  const sums: number[] = [];
  const reference: number[] = [];
  if (method === 'pairwise') counts.forEach((n) => sums.push(pairwise(x.subarray(0, n), acc)));
  else scan(x, acc, method, pick(sums));
  referenceScan(x, pick(reference));
  const relativeError = sums.map((s, k) => {
    const ref = reference[k]!;
    return ref === 0 ? Math.abs(s) : Math.abs(s - ref) / Math.abs(ref);
  });
  return { counts: [...counts], sums, reference, relativeError, format: f.name, accumulator: acc.name, method };
}

/**
 * Histograms of log2|x|, with a format's representable range marked: the picture of Fig. 3 in Micikevicius
 * et al. 2018 ("Mixed Precision Training"), where much of a network's gradient mass sits below float16's
 * smallest subnormal, 2^-24, until loss scaling shifts it right.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionKeys } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import { withValues } from './stats';

export interface Log2Histogram {
  /** Left edge of each bin, as a power of two: bin k counts |x| in [2^edges[k], 2^(edges[k] + 1/binsPerOctave)). */
  readonly edges: number[];
  readonly counts: number[];
  /** Values that are exactly zero, and inf/NaN: they have no log2 bin. */
  readonly zeros: number;
  readonly nonFinite: number;
  /** Values below the first bin or past the last. */
  readonly below: number;
  readonly above: number;
  readonly total: number;
  /** log2 of the format's smallest subnormal, smallest normal and largest finite value, when a format is given. */
  readonly range?: {
    readonly format: string;
    readonly minSubnormal: number;
    readonly minNormal: number;
    readonly maxFinite: number;
  };
}

export interface Log2HistogramOptions {
  /** Lowest and highest exponent covered (default −40 and 20). */
  readonly min?: number;
  readonly max?: number;
  readonly binsPerOctave?: number;
  /** Mark this format's range (e.g. 'float16'). */
  readonly format?: FormatLike;
}

/**
 * The histogram of log2|x|: at once for a Float32Array, awaited for a tensor (read back without a sync).
 *
 *     log2Histogram(gradients, { format: 'float16' }).below   // values under 2^-40
 */
export function log2Histogram(x: Float32Array, options?: Log2HistogramOptions): Log2Histogram;
export function log2Histogram(x: tf.Tensor, options?: Log2HistogramOptions): Promise<Log2Histogram>;
export function log2Histogram(
  x: tf.Tensor | Float32Array,
  options: Log2HistogramOptions = {},
): Log2Histogram | Promise<Log2Histogram> {
  checkOptionKeys('log2Histogram', options, ['min', 'max', 'binsPerOctave', 'format']);
  return withValues(x, (v) => histogramOf(v, options));
}

function histogramOf(v: Float32Array, options: Log2HistogramOptions): Log2Histogram {
  const { min = -40, max = 20, binsPerOctave = 1 } = options;
  const bins = (max - min) * binsPerOctave;
  const counts = new Array<number>(bins).fill(0);
  let zeros = 0;
  let nonFinite = 0;
  let below = 0;
  let above = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a === 0) zeros++;
    else if (!Number.isFinite(a)) nonFinite++;
    else {
      const k = Math.floor((Math.log2(a) - min) * binsPerOctave);
      if (k < 0) below++;
      else if (k >= bins) above++;
      else counts[k]! += 1;
    }
  }
  const edges = Array.from({ length: bins }, (_, k) => min + k / binsPerOctave);
  const f = options.format === undefined ? undefined : getFloatFormat(options.format);
  return {
    edges,
    counts,
    zeros,
    nonFinite,
    below,
    above,
    total: v.length,
    ...(f && {
      range: {
        format: f.name,
        minSubnormal: Math.log2(f.minSubnormal),
        minNormal: Math.log2(f.minNormal),
        maxFinite: Math.log2(f.maxFinite),
      },
    }),
  };
}

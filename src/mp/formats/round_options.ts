/**
 * How to round: the options every rounding of the library takes (roundArray, fakeCast, the kernels), their
 * defaults and their validation. Apart from round.ts, so that the rounding plan (plan.ts), which round.ts runs,
 * can read them without importing it back.
 */
import { checkChoice, checkOptionKeys, OptionError } from '../errors';

export const ROUNDING_MODES = ['nearest-even', 'toward-zero', 'stochastic'] as const;
export const OVERFLOW_MODES = ['ieee', 'saturate'] as const;
export type Rounding = (typeof ROUNDING_MODES)[number];
export type Overflow = (typeof OVERFLOW_MODES)[number];

export interface RoundOptions {
  /**
   * `nearest-even` (default; float8_e8m0fnu breaks ties away from zero, as ml_dtypes does),
   * `toward-zero` (truncate), or `stochastic` (round up with probability equal to the distance from
   * the value below, in units of the spacing: unbiased in expectation).
   */
  readonly rounding?: Rounding;
  /**
   * `ieee` (default): the format's own rule. Values past the largest finite number become ±inf where the
   * format has infinities, else NaN where it has NaN, else ±max (the MX float6/float4 formats saturate).
   * Under `toward-zero`, finite values never overflow to inf (IEEE 754 §7.4) but stop at ±max.
   * `saturate`: finite values and ±inf clamp to ±max (like CUDA's `__NV_SATFINITE`); NaN stays NaN.
   */
  readonly overflow?: Overflow;
  /** Results that would be subnormal become zero (a GPU's flush-to-zero mode). */
  readonly flushSubnormals?: boolean;
  /** Seed for `stochastic` rounding; the same seed gives the same result. Default: a fresh random seed. */
  readonly seed?: number | string;
}

export const ROUND_OPTION_KEYS = ['rounding', 'overflow', 'flushSubnormals', 'seed'] as const;

/** Validates options and fills in defaults. Throws OptionError naming the valid values. */
export function resolveRoundOptions(options: RoundOptions = {}): Required<RoundOptions> {
  checkOptionKeys('RoundOptions', options, ROUND_OPTION_KEYS);
  const flush = options.flushSubnormals ?? false;
  if (typeof flush !== 'boolean') {
    throw new OptionError(`flushSubnormals must be a boolean. Received: ${String(flush)}`, 'flushSubnormals', flush, [
      true,
      false,
    ]);
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (typeof seed !== 'number' && typeof seed !== 'string') {
    throw new OptionError(`seed must be a number or a string. Received: ${String(seed)}`, 'seed', seed);
  }
  return {
    rounding: checkChoice('rounding', options.rounding ?? 'nearest-even', ROUNDING_MODES),
    overflow: checkChoice('overflow', options.overflow ?? 'ieee', OVERFLOW_MODES),
    flushSubnormals: flush,
    seed,
  };
}

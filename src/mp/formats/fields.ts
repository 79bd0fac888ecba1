import { decode, encode } from './codec';
import { getFloatFormat, type FormatLike } from './registry';

export type ValueKind = 'zero' | 'subnormal' | 'normal' | 'infinity' | 'nan';

export interface Fields {
  /** The format's code for the value (after rounding). */
  readonly code: number;
  readonly sign: 0 | 1;
  /** The stored (biased) exponent field and the mantissa field. */
  readonly exponent: number;
  readonly mantissa: number;
  /** The exponent after removing the bias; for subnormals, the smallest normal exponent. */
  readonly unbiasedExponent: number;
  readonly kind: ValueKind;
  /** The code in binary with the fields separated, e.g. '0 01111 0000000000'. */
  readonly binary: string;
  /** The value the code stands for, i.e. the input rounded to the format. */
  readonly value: number;
  /** How the value is built from the fields, e.g. '+1.5 × 2^-1'. */
  readonly formula: string;
}

/**
 * Splits a number into the sign, exponent and mantissa fields it gets in a float format: a teaching helper.
 *
 *     fields(0.75, 'float16').binary    // '0 01110 1000000000'
 */
export function fields(value: number, format: FormatLike): Fields {
  const f = getFloatFormat(format);
  const code = encode(value, f);
  const M = f.manBits;
  const sign = f.signed && code >= 2 ** (f.expBits + M) ? 1 : 0;
  const exponent = Math.floor(code / 2 ** M) % 2 ** f.expBits;
  const mantissa = code % 2 ** M;
  const decoded = decode(code, f);
  const kind: ValueKind = Number.isNaN(decoded)
    ? 'nan'
    : !Number.isFinite(decoded)
      ? 'infinity'
      : decoded === 0
        ? 'zero'
        : Math.abs(decoded) < f.minNormal
          ? 'subnormal'
          : 'normal';
  const subnormal = kind === 'subnormal' || kind === 'zero';
  const unbiasedExponent = subnormal ? f.minExp : exponent - f.bias;
  const bin = (n: number, width: number): string => (width ? n.toString(2).padStart(width, '0') : '');
  const binary = [f.signed ? String(sign) : '', bin(exponent, f.expBits), bin(mantissa, M)]
    .filter((s) => s !== '')
    .join(' ');
  const significand = (subnormal ? 0 : 1) + mantissa / 2 ** M;
  const formula =
    kind === 'nan' || kind === 'infinity'
      ? String(decoded)
      : `${sign ? '-' : '+'}${significand} × 2^${unbiasedExponent}`;
  return { code, sign, exponent, mantissa, unbiasedExponent, kind, binary, value: decoded, formula };
}

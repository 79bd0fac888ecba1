/**
 * Number formats as declarative specs, with every other property derived from the spec
 * (the ml_dtypes approach: no tables of magic constants).
 *
 * A float code is laid out as [sign][exponent: expBits][mantissa: manBits]. A normal code with
 * exponent field e and mantissa field m has the value (−1)^s · (1 + m/2^manBits) · 2^(e − bias);
 * exponent field 0 holds zero and the subnormals (−1)^s · (m/2^manBits) · 2^(1 − bias).
 */

/**
 * Where a format keeps its NaN:
 * - `ieee`: exponent all ones with a non-zero mantissa (the all-ones exponent with mantissa 0 is infinity);
 * - `all-ones`: only the codes with every exponent and mantissa bit set (the OCP "fn" formats);
 * - `negative-zero`: the code of −0, 0b1_000…, which is why "fnuz" formats have no −0;
 * - `none`: the format has no NaN.
 */
export type NanEncoding = 'ieee' | 'all-ones' | 'negative-zero' | 'none';

export interface FloatSpec {
  readonly kind: 'float';
  readonly name: string;
  readonly expBits: number;
  readonly manBits: number;
  /** Exponent bias; the IEEE default is 2^(expBits−1) − 1. */
  readonly bias?: number;
  readonly infinities: boolean;
  readonly nan: NanEncoding;
  readonly signedZero: boolean;
  /** false for the scale format float8_e8m0fnu, which has no sign bit. */
  readonly signed?: boolean;
  /** false when exponent field 0 is an ordinary exponent (no zero, no subnormals), as in float8_e8m0fnu. */
  readonly subnormals?: boolean;
  /** Ties round away from zero instead of to even (ml_dtypes does this for float8_e8m0fnu). */
  readonly tiesAway?: boolean;
  /** A cast from float32 keeps the NaN payload bits that fit (numpy's float16); otherwise it makes a quiet NaN. */
  readonly castKeepsNanPayload?: boolean;
  /** Decoding a NaN code keeps its payload bits (float16, and bfloat16 whose decode is a plain bit shift). */
  readonly decodeKeepsNanPayload?: boolean;
}

export interface IntSpec {
  readonly kind: 'int';
  readonly name: string;
  readonly bits: number;
  readonly signed: boolean;
}

export interface FloatFormat extends Required<FloatSpec> {
  readonly bits: number;
  readonly bias: number;
  /** Unbiased exponent of the smallest normal number. */
  readonly minExp: number;
  /** Unbiased exponent of the largest finite number. */
  readonly maxExp: number;
  readonly maxFinite: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  /** Distance from 1 to the next larger representable number: 2^−manBits. */
  readonly epsilon: number;
  /** Largest mantissa field at the top exponent (below it every mantissa is finite). */
  readonly maxMantissaAtTop: number;
  /** Exponent field of the largest finite number. */
  readonly maxExpField: number;
  readonly hasNan: boolean;
  /** Whether the format can hold zero at all (float8_e8m0fnu cannot). */
  readonly hasZero: boolean;
}

export interface IntFormat extends IntSpec {
  readonly min: number;
  readonly max: number;
  /** Largest finite value, as for floats (equal to max). */
  readonly maxFinite: number;
  /** Grid spacing: 1. */
  readonly epsilon: number;
}

export type Format = FloatFormat | IntFormat;

/** Derives every limit of a float format from its spec. */
export function deriveFloat(spec: FloatSpec): FloatFormat {
  const { expBits: E, manBits: M } = spec;
  const signed = spec.signed ?? true;
  const subnormals = spec.subnormals ?? true;
  const bias = spec.bias ?? 2 ** (E - 1) - 1;
  const topField = 2 ** E - 1;
  // The top exponent field is infinity/NaN in IEEE formats; in "fn" formats only its all-ones mantissa is NaN
  // (with no mantissa bits, as in e8m0, that takes the whole field); otherwise it is ordinary.
  let maxExpField = topField;
  let maxMantissaAtTop = 2 ** M - 1;
  if (spec.nan === 'ieee') maxExpField = topField - 1;
  else if (spec.nan === 'all-ones' && M === 0) maxExpField = topField - 1;
  else if (spec.nan === 'all-ones') maxMantissaAtTop = 2 ** M - 2;
  const minExp = subnormals ? 1 - bias : -bias;
  const maxExp = maxExpField - bias;
  const minNormal = 2 ** minExp;
  return {
    ...spec,
    signed,
    subnormals,
    bias,
    tiesAway: spec.tiesAway ?? false,
    castKeepsNanPayload: spec.castKeepsNanPayload ?? false,
    decodeKeepsNanPayload: spec.decodeKeepsNanPayload ?? false,
    bits: (signed ? 1 : 0) + E + M,
    minExp,
    maxExp,
    // e.g. float8_e4m3fn: (1 + 6/8)·2^(15−7) = 448
    maxFinite: (1 + maxMantissaAtTop / 2 ** M) * 2 ** maxExp,
    minNormal,
    // e.g. float16: 2^(1−15−10) = 2^−24
    minSubnormal: subnormals ? 2 ** (minExp - M) : minNormal,
    epsilon: 2 ** -M,
    maxMantissaAtTop,
    maxExpField,
    hasNan: spec.nan !== 'none',
    hasZero: subnormals,
  };
}

/** Derives the range of an integer grid: int8 is −128..127, uint4 is 0..15. */
export function deriveInt(spec: IntSpec): IntFormat {
  const min = spec.signed ? -(2 ** (spec.bits - 1)) : 0;
  const max = spec.signed ? 2 ** (spec.bits - 1) - 1 : 2 ** spec.bits - 1;
  return { ...spec, min, max, maxFinite: max, epsilon: 1 };
}

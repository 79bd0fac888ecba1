/** Lesson 1: what mixed precision is: the formats themselves. */

export interface Limits {
  maxFinite: number;
  minNormal: number;
  minSubnormal: number;
  epsilon: number;
}

/** l1.q1: the limits of an IEEE-style binary format with `expBits` exponent and `manBits` mantissa bits. */
export function formatLimits(expBits: number, manBits: number): Limits {
  // BEGIN SOLUTION l1.q1
  const bias = 2 ** (expBits - 1) - 1;
  const maxExp = 2 ** expBits - 2 - bias; // the all-ones exponent is inf/NaN
  return {
    maxFinite: (2 - 2 ** -manBits) * 2 ** maxExp,
    minNormal: 2 ** (1 - bias),
    minSubnormal: 2 ** (1 - bias - manBits),
    epsilon: 2 ** -manBits,
  };
  // END SOLUTION
}

/** l1.q2: the value of a float16 bit pattern (0..65535): sign, 5 exponent bits, 10 mantissa bits. */
export function decodeFloat16(bits: number): number {
  // BEGIN SOLUTION l1.q2
  const sign = bits >> 15 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // subnormal: (m/1024)·2^-14
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  // END SOLUTION
}

/** l1.q3: bytes to store `count` values in a format of `bits` bits, packed (e.g. float4 packs two per byte). */
export function storageBytes(count: number, bits: number): number {
  // BEGIN SOLUTION l1.q3
  return Math.ceil((count * bits) / 8);
  // END SOLUTION
}

/** Lesson 6: where it is going: FP8 and microscaling. */

/** l6.q1: the value of a float8_e4m3fn code (0..255): bias 7, no infinities, NaN only at 0x7f and 0xff. */
export function decodeE4M3(code: number): number {
  // BEGIN SOLUTION l6.q1
  const sign = code & 0x80 ? -1 : 1;
  const exponent = (code >> 3) & 0xf;
  const mantissa = code & 0x7;
  if (exponent === 0xf && mantissa === 0x7) return NaN;
  if (exponent === 0) return sign * (mantissa / 8) * 2 ** -6;
  return sign * (1 + mantissa / 8) * 2 ** (exponent - 7);
  // END SOLUTION
}

/** l6.q2: Transformer Engine's delayed scale: fp8Max / max(amaxHistory) / 2^margin, or 1 while the history holds no non-zero amax. */
export function delayedScale(amaxHistory: number[], fp8Max: number, margin: number): number {
  // BEGIN SOLUTION l6.q2
  const amax = Math.max(0, ...amaxHistory);
  return amax > 0 ? fp8Max / amax / 2 ** margin : 1;
  // END SOLUTION
}

/**
 * l6.q3: the shared scale exponent of an OCP MX block: floor(log2(max |v|)) − emaxElement (e.g. 8 for e4m3
 * elements), so the largest element lands in the element format's top binade. Return −127 for an all-zero block.
 */
export function mxScaleExponent(values: number[], emaxElement: number): number {
  // BEGIN SOLUTION l6.q3
  const amax = Math.max(...values.map(Math.abs));
  if (amax === 0) return -127;
  let e = Math.floor(Math.log2(amax));
  if (2 ** e > amax) e -= 1; // guard log2's rounding at powers of two
  if (2 ** (e + 1) <= amax) e += 1;
  return e - emaxElement;
  // END SOLUTION
}

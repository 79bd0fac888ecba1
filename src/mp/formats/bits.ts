/** Reinterpreting float32 values as their bit patterns and back, and the patterns of float32's landmarks. */

/** The sign bit. */
export const F32_SIGN = 0x80000000;
/** +inf: the all-ones exponent, mantissa 0. */
export const F32_INF = 0x7f800000;
/** The quiet NaN that arithmetic makes (and ml_dtypes, where a format keeps no payload). */
export const F32_QUIET_NAN = 0x7fc00000;
/** The smallest normal, 2^-126, and the largest finite value, (2 − 2^-23)·2^127. */
export const F32_MIN_NORMAL = 0x00800000;
export const F32_MAX = 0x7f7fffff;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The IEEE bit pattern of Math.fround(x), as an unsigned integer. */
export function float32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

/** The float32 whose bit pattern is `bits`. */
export function float32FromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}

/** Int32 and Float32 views of the same float32 storage, honouring subarray offsets. */
export function views(a: Float32Array): { i32: Int32Array; f32: Float32Array } {
  return { i32: new Int32Array(a.buffer, a.byteOffset, a.length), f32: a };
}

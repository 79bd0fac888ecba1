/** Reinterpreting float32 values as their bit patterns and back. */

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

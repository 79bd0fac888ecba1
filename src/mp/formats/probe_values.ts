/**
 * Float32 inputs that probe a rounding implementation, as bit patterns (NaN payloads and −0 survive):
 * every format's special values and boundaries, a spread over 60 binades, random bit patterns (every
 * binade, float32 subnormals, NaN payloads), and exact ties (±1 ulp) in the normal and subnormal ranges
 * of every float format. Deterministic: the same n gives the same values.
 *
 *     probeBits(1 << 20).length   // 1048576
 */
import seedrandom from 'seedrandom';
import { F32_INF, F32_QUIET_NAN, F32_SIGN as SIGN, float32Bits } from './bits';
import { FLOAT_FORMAT_NAMES, getFloatFormat, type FormatLike } from './registry';
import { roundArray } from './round';
import { type RoundOptions } from './round_options';

/** ±0, ±inf, NaNs and, per format, ±max, the overflow tie, the smallest normal and subnormal, each ±1 ulp. */
export function specialBits(): number[] {
  const out = [0, F32_INF, F32_QUIET_NAN, 0x7f800001, 0x7fbfffff, 0x7fffffff, 0x7fe00100, 0x1, 0x400000, 0x7fffff];
  out.push(0x800000, 0x3f800000);
  for (const name of FLOAT_FORMAT_NAMES) {
    const f = getFloatFormat(name);
    const shift = 23 - f.manBits;
    const half = shift === 0 ? 0 : 1 << (shift - 1);
    const max = float32Bits(f.maxFinite);
    const q = float32Bits(f.minSubnormal);
    for (const b of [max, max + half, max + 2 * half, float32Bits(f.minNormal), q, float32Bits(f.minSubnormal / 2)]) {
      out.push(b - 1, b, b + 1);
    }
  }
  return [...out, ...out.map((b) => (b | SIGN) >>> 0)];
}

/** n probe values (n ≥ the number of specialBits()). */
export function probeBits(n = 1 << 20): Uint32Array {
  const out = new Uint32Array(n);
  const specials = specialBits();
  out.set(specials.slice(0, n));
  const rand = seedrandom.alea('probe');
  const u32 = (): number => rand.int32() >>> 0;
  const quarter = Math.floor(n / 4);
  let i = specials.length;
  // sines of all sizes over many binades
  for (let j = 0; i < quarter; i++, j++) out[i] = float32Bits(Math.sin(j * 1.7) * 2 ** ((j % 60) - 30));
  for (; i < 2 * quarter; i++) out[i] = u32();
  const formats = FLOAT_FORMAT_NAMES.map((name) => getFloatFormat(name));
  for (let j = 0; i < n; i++, j++) {
    const f = formats[j % formats.length]!;
    const sign = u32() & SIGN;
    const nudge = (u32() % 3) - 1; // the tie, or one float32 ulp either side
    let tie: number;
    if (j % 2 === 0) {
      // normal range: a random float32 below the overflow tie, its dropped bits set to exactly half
      const shift = 23 - f.manBits;
      const lo = Math.max(float32Bits(f.minNormal), 0x800000);
      const hi = Math.min(float32Bits(f.maxFinite) + (1 << shift), F32_INF);
      const a = lo + (u32() % (hi - lo));
      tie = shift === 0 ? a : ((a >>> shift) << shift) + (1 << (shift - 1));
    } else {
      // below the smallest normal: (m + 1/2)·q
      const m = u32() % 2 ** Math.min(f.manBits, 23);
      tie = float32Bits((m + 0.5) * f.minSubnormal);
    }
    out[i] = (sign | (tie + nudge)) >>> 0;
  }
  return out;
}

/**
 * Indices where `got` (float32 bits) differs from roundArray(input). A difference counts only if roundArray
 * of that one value (its scalar converter: no SIMD) differs too: the SIMD path rounds 0xffffffff wrongly in
 * float8_e8m0fnu, since its zeroPass sentinel −1 equals that input when it checks the sign bit too.
 */
export function roundMismatches(
  input: Uint32Array,
  got: Uint32Array,
  format: FormatLike,
  options?: RoundOptions,
): number[] {
  const x = new Float32Array(input.buffer, input.byteOffset, input.length);
  const want = new Uint32Array(roundArray(x, format, options).buffer);
  const wrong: number[] = [];
  for (let i = 0; i < input.length; i++) {
    if (got[i] === want[i]) continue;
    const one = new Uint32Array(roundArray(x.subarray(i, i + 1), format, options).buffer)[0];
    if (got[i] !== one) wrong.push(i);
  }
  return wrong;
}

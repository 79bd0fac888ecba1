/** Lesson 6: where it is going: FP8 recipes, block scaling and NVFP4. */
import { roundValue } from '../../src/mp/formats/round'; // SOLUTION ONLY
import { mxQuantize } from '../../src/mp/quant/mx'; // SOLUTION ONLY

/**
 * l6.q1: the value of an OCP FP8 e4m3fn code (an integer 0..255): 1 sign bit, then 4 exponent bits with bias 7,
 * then 3 mantissa bits. An exponent field of 0 holds zero and the subnormals (no implicit leading 1), as in IEEE
 * formats. Unlike IEEE formats, e4m3fn ("fn": finite, with a NaN encoding of its own) has no infinities: its top
 * exponent field holds numbers too, and only S.1111.111 (0x7f, 0xff) is NaN. Keep the sign of zero.
 *
 *     decodeE4M3(0x38)   // 1
 */
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

/** How Transformer Engine's delayed scaling is configured (its DelayedScaling recipe's fields). */
export interface DelayedScalingSettings {
  /** How many steps the amax history holds (amax_history_len). */
  readonly historyLength: number;
  /** The FP8 format's largest value: 448 (e4m3) or 57344 (e5m2). */
  readonly fp8Max: number;
  /** Headroom: the scale is 2^margin times smaller. */
  readonly margin: number;
  /** 'max': the largest amax in the history; 'most_recent': the last one (amax_compute_algo). */
  readonly algo: 'max' | 'most_recent';
}

/**
 * l6.q2: the scale Transformer Engine's delayed scaling casts with at each step, given the amax each step measured
 * (`amaxes[i]` is step i + 1's). The first step has no history and casts with scale 1. After each step its amax
 * joins the history, which keeps the last `historyLength` steps, that one included; the next step's scale puts the
 * history's amax (by `algo`) at `fp8Max` with `margin` binades of headroom. Transformer Engine keeps scales in
 * float32 and computes them in float32. An amax that gives no usable scale (zero, NaN or infinite; a NaN anywhere
 * in a 'max' window counts) keeps the previous scale; a scale too large for float32 becomes the largest float32.
 *
 *     delayedScales([4, 4], { historyLength: 4, fp8Max: 448, margin: 0, algo: 'max' })   // [1, 112]
 */
export function delayedScales(amaxes: number[], settings: DelayedScalingSettings): number[] {
  // BEGIN SOLUTION l6.q2
  const FLOAT32_MAX = 3.4028234663852886e38;
  const { historyLength, fp8Max, margin, algo } = settings;
  const scales: number[] = [];
  let scale = 1;
  amaxes.forEach((_, i) => {
    scales.push(scale);
    const window = amaxes.slice(Math.max(0, i + 1 - historyLength), i + 1).map(Math.fround);
    const amax = algo === 'max' ? Math.max(...window) : window[window.length - 1]!; // Math.max: NaN wins
    if (amax > 0 && amax < Infinity) {
      const s = Math.fround(Math.fround(fp8Max / amax) / 2 ** margin);
      scale = s === Infinity ? FLOAT32_MAX : s;
    }
  });
  return scales;
  // END SOLUTION
}

/**
 * l6.q3: the shared exponent e (the scale is X = 2^e) of every OCP MX block of a `rows` × `cols` matrix given row by
 * row: each row is cut into blocks of `blockSize` values from its start (its last block may be shorter), and the
 * blocks are listed row by row. The spec chooses e so that the block's largest magnitude, divided by X, has the
 * exponent `emaxElement`: that of the element format's largest normal value (8 for e4m3, 2 for e2m1), so it lands
 * in the element format's top binade. The scale is stored as E8M0: e stays within −127..127, and an all-zero block
 * gets −127. A block holding a NaN or an infinity gets NaN; the other blocks are not affected.
 *
 *     mxScaleExponents([0.5, -3, 1.25], 1, 3, 8, 32)   // [-7]
 */
export function mxScaleExponents(
  values: number[],
  rows: number,
  cols: number,
  emaxElement: number,
  blockSize: number,
): number[] {
  // BEGIN SOLUTION l6.q3
  const exponents: number[] = [];
  for (let row = 0; row < rows; row++) {
    const rowStart = row * cols;
    for (let start = 0; start < cols; start += blockSize) {
      const block = values.slice(rowStart + start, rowStart + Math.min(cols, start + blockSize));
      if (block.some((v) => !Number.isFinite(v))) {
        exponents.push(NaN);
        continue;
      }
      const amax = Math.max(...block.map(Math.abs));
      if (amax === 0) {
        exponents.push(-127);
        continue;
      }
      let e = Math.floor(Math.log2(amax));
      if (2 ** e > amax) e -= 1; // guard log2's rounding at powers of two
      if (2 ** (e + 1) <= amax) e += 1;
      exponents.push(Math.min(127, Math.max(-127, e - emaxElement)));
    }
  }
  return exponents;
  // END SOLUTION
}

/**
 * l6.q4: NVFP4's two levels of scale for a 1-D tensor of float32 values, as Transformer Engine's recipe computes
 * them, every operation rounded to float32: the tensor scale S = (448 · 6) / amax, which maps the tensor's largest
 * magnitude to the largest E4M3 block scale (448) times the largest E2M1 element (6), the largest float32 where that
 * overflows; and for each block of 16 values (the last may be shorter), its E4M3 scale (block amax / 6) · S,
 * clamped to 448 and rounded to E4M3 (round to nearest even: `roundValue(x, 'float8_e4m3fn')`, imported from
 * '../../src/mp/formats/round').
 *
 *     nvfp4Scales(Array(16).fill(3)).blockScales   // [448]
 */
export function nvfp4Scales(values: number[]): { globalScale: number; blockScales: number[] } {
  // BEGIN SOLUTION l6.q4
  const f = Math.fround;
  const FLOAT32_MAX = 3.4028234663852886e38;
  const amax = Math.max(0, ...values.map(Math.abs));
  const globalScale = Math.min(f((448 * 6) / amax), FLOAT32_MAX);
  const blockScales: number[] = [];
  for (let start = 0; start < values.length; start += 16) {
    const blockAmax = Math.max(0, ...values.slice(start, start + 16).map(Math.abs));
    blockScales.push(roundValue(Math.min(f(f(blockAmax / 6) * globalScale), 448), 'float8_e4m3fn'));
  }
  return { globalScale, blockScales };
  // END SOLUTION
}

/** An OCP MX format and block size, as `mxQuantize(values, format, blockSize)` takes them. */
export interface MxChoice {
  readonly format: 'MXFP8_E4M3' | 'MXFP8_E5M2' | 'MXFP6_E3M2' | 'MXFP6_E2M3' | 'MXFP4_E2M1' | 'MXINT8';
  readonly blockSize: 8 | 16 | 32 | 64;
}

/**
 * l6.q5, an open task: the cheapest way to store a `rows` × `cols` matrix (given row by row) in an OCP MX format
 * whose error stays within `maxError`. Try the six MX formats with blocks of 8, 16, 32 or 64 values along each row;
 * the error is the relative RMS error that `mxQuantize(values, format, blockSize, { shape: [rows, cols] })` reports
 * (`.error.relativeRmse`, at most `maxError`), the cost its bits per value (`.bitsPerValue`: the element's bits plus
 * the block's 8-bit scale shared by its values). Return the choice that costs the fewest bits per value; between
 * choices of the same cost, the one with the smaller error. Return null when no choice reaches `maxError`. Import
 * `mxQuantize` from '../../src/mp/quant/mx'. One case measures your choice on a matrix of its own: full points for
 * a choice within the bound at the fewest bits per value, half for a dearer one within it.
 *
 *     cheapestMxChoice(gradients, 256, 64, 0.1)   // e.g. { format: 'MXFP4_E2M1', blockSize: 16 }
 */
export function cheapestMxChoice(values: number[], rows: number, cols: number, maxError: number): MxChoice | null {
  // BEGIN SOLUTION l6.q5
  const formats = ['MXFP8_E4M3', 'MXFP8_E5M2', 'MXFP6_E3M2', 'MXFP6_E2M3', 'MXFP4_E2M1', 'MXINT8'] as const;
  const data = Float32Array.from(values);
  let best: { choice: MxChoice; bits: number; error: number } | null = null;
  for (const format of formats) {
    for (const blockSize of [8, 16, 32, 64] as const) {
      const r = mxQuantize(data, format, blockSize, { shape: [rows, cols] });
      const error = r.error.relativeRmse;
      if (!(error <= maxError)) continue;
      const better = !best || r.bitsPerValue < best.bits || (r.bitsPerValue === best.bits && error < best.error);
      if (better) best = { choice: { format, blockSize }, bits: r.bitsPerValue, error };
    }
  }
  return best && best.choice;
  // END SOLUTION
}

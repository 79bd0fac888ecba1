/**
 * OCP Microscaling (MX) block formats, as the OCP MX specification v1.0 (2023) defines them: a block of k
 * (normally 32) consecutive values shares one scale X = 2^e stored as float8_e8m0fnu, and each value is kept
 * as an element P_i in a narrow float format, so that V_i ≈ X · P_i. The shared exponent is
 *
 *     e = floor(log2(max_i |V_i|)) − emax_elem
 *
 * where emax_elem is the exponent of the element format's largest normal (8 for e4m3, 2 for e2m1), clamped to
 * e8m0's range −127..127. The largest value of a block then lands in the element format's top binade; values
 * there above the element's maxFinite saturate (the spec clamps them), and the elements are rounded to nearest
 * even. MXFP8 = e4m3 or e5m2 elements, MXFP6 = e2m3 or e3m2, MXFP4 = float4_e2m1fn. (MXINT8 is not covered.)
 * The spec's floor makes a block's largest values saturate wherever max|V|/X lands above the element's
 * maxFinite (between 6 and 8 for e2m1); the option scaleRule: 'round-up' takes the next exponent there
 * instead, e = ceil(log2(max|V| / maxFinite)), so that nothing saturates (as later FP8/MX training recipes do).
 *
 *     mxQuantize(weights, 'float4_e2m1fn').error.relativeRmse   // MXFP4
 *     mxQuantize(weights, 'float4_e2m1fn', weights.length)      // one power-of-two scale for the whole tensor
 */
import { checkChoice, describeValue, FormatError, OptionError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import { roundArray } from '../formats/round';
import type { FloatFormat } from '../formats/spec';

/** The element formats of the MX specification v1.0 (MXFP8, MXFP6, MXFP4). */
export const MX_ELEMENT_FORMATS = [
  'float8_e4m3fn',
  'float8_e5m2',
  'float6_e2m3fn',
  'float6_e3m2fn',
  'float4_e2m1fn',
] as const;
export type MxElementFormat = (typeof MX_ELEMENT_FORMATS)[number];

/** Smallest and largest exponent of the float8_e8m0fnu scale (its 0xFF code is NaN). */
const SCALE_MIN_EXP = -127;
const SCALE_MAX_EXP = 127;

/** How far a quantized copy is from the original. */
export interface QuantErrorStats {
  /** Root-mean-square error. */
  readonly rmse: number;
  /** rmse divided by the root-mean-square of the original (0 for an all-zero original). */
  readonly relativeRmse: number;
  readonly maxAbs: number;
  /** Signal-to-quantization-noise ratio in dB: 10·log10(Σx² / Σ(x − q)²); Infinity when exact. */
  readonly sqnrDb: number;
  /** Fraction of non-zero values that became 0. */
  readonly zeroed: number;
}

export const MX_SCALE_RULES = ['ocp', 'round-up'] as const;
export type MxScaleRule = (typeof MX_SCALE_RULES)[number];

export interface MxOptions {
  /** `ocp` (default): the spec's floor(log2(amax)) − emax_elem. `round-up`: the smallest e with no saturation. */
  readonly scaleRule?: MxScaleRule;
}

export interface MxResult {
  readonly elementFormat: string;
  readonly blockSize: number;
  readonly scaleRule: MxScaleRule;
  /** X · P_i for every value, as float32: what a matmul on the MX data computes with. */
  readonly dequantized: Float32Array;
  /** The elements P_i (values of the element format). */
  readonly elements: Float32Array;
  /** The shared exponent e of each block (X = 2^e); −127 for an all-zero block. */
  readonly scaleExponents: Int16Array;
  /** Storage per value: element bits + 8 scale bits / blockSize (MXFP4: 4.25). */
  readonly bitsPerValue: number;
  /** Fraction of values clamped to the element format's ±maxFinite (the top binade above maxFinite). */
  readonly saturated: number;
  readonly error: QuantErrorStats;
}

/** floor(log2(a)) for a finite a > 0, exact (Math.log2 can round across a power of two). */
function floorLog2(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  return e;
}

/**
 * The shared exponent of one MX block: floor(log2(max |v|)) − emaxElem, clamped to −127..127; −127 when every
 * value is zero.
 */
export function mxSharedExponent(block: ArrayLike<number>, emaxElem: number): number {
  let amax = 0;
  for (let i = 0; i < block.length; i++) amax = Math.max(amax, Math.abs(block[i]!));
  if (amax === 0) return SCALE_MIN_EXP;
  return Math.min(SCALE_MAX_EXP, Math.max(SCALE_MIN_EXP, floorLog2(amax) - emaxElem));
}

/** Error statistics of `approx` against `reference` (same length). */
export function quantError(reference: Float32Array, approx: Float32Array): QuantErrorStats {
  if (!(reference instanceof Float32Array) || !(approx instanceof Float32Array)) {
    throw new OptionError(
      `quantError needs two Float32Arrays. Received: ${describeValue(reference)}, ${describeValue(approx)}`,
      'values',
      reference,
    );
  }
  if (reference.length !== approx.length) {
    throw new OptionError(
      `quantError needs arrays of one length. Received: ${reference.length} and ${approx.length}`,
      'length',
      approx.length,
    );
  }
  let signal = 0;
  let noise = 0;
  let maxAbs = 0;
  let nonzero = 0;
  let zeroed = 0;
  for (let i = 0; i < reference.length; i++) {
    const x = reference[i]!;
    const d = x - approx[i]!;
    signal += x * x;
    noise += d * d;
    maxAbs = Math.max(maxAbs, Math.abs(d));
    if (x !== 0) {
      nonzero++;
      if (approx[i] === 0) zeroed++;
    }
  }
  const n = Math.max(reference.length, 1);
  return {
    rmse: Math.sqrt(noise / n),
    relativeRmse: signal > 0 ? Math.sqrt(noise / signal) : 0,
    maxAbs,
    sqnrDb: noise === 0 ? Infinity : 10 * Math.log10(signal / noise),
    zeroed: nonzero > 0 ? zeroed / nonzero : 0,
  };
}

function elementFormatOf(format: FormatLike): FloatFormat {
  const f = getFloatFormat(format);
  if (!(MX_ELEMENT_FORMATS as readonly string[]).includes(f.name)) {
    throw new FormatError(
      `${f.name} is not an MX element format. Valid element formats: ${MX_ELEMENT_FORMATS.join(', ')}.`,
      f.name,
      MX_ELEMENT_FORMATS,
    );
  }
  return f;
}

/**
 * Quantizes `values` to an MX format: consecutive blocks of `blockSize` values (the last block may be
 * shorter) share one float8_e8m0fnu scale. Elements are rounded to nearest even and saturate at ±maxFinite.
 * With one block for the whole tensor (blockSize ≥ values.length) it is per-tensor scaling with a power-of-two
 * scale. Throws OptionError for non-finite input (the spec turns such a block's scale into NaN) or a bad blockSize,
 * FormatError for an element format outside MX_ELEMENT_FORMATS.
 */
export function mxQuantize(
  values: Float32Array,
  elementFormat: FormatLike,
  blockSize = 32,
  options: MxOptions = {},
): MxResult {
  if (!(values instanceof Float32Array)) {
    throw new OptionError(
      `values must be a Float32Array. Received: ${describeValue(values)}. Convert with Float32Array.from(values).`,
      'values',
      values,
    );
  }
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new OptionError(`blockSize must be an integer ≥ 1. Received: ${blockSize}`, 'blockSize', blockSize);
  }
  const f = elementFormatOf(elementFormat);
  const scaleRule = checkChoice('scaleRule', options.scaleRule ?? 'ocp', MX_SCALE_RULES);
  const blocks = Math.ceil(values.length / blockSize);
  const scaleExponents = new Int16Array(blocks);
  const scaled = new Float32Array(values.length);
  let saturated = 0;
  for (let b = 0; b < blocks; b++) {
    const block = values.subarray(b * blockSize, (b + 1) * blockSize);
    for (let i = 0; i < block.length; i++) {
      if (!Number.isFinite(block[i]!)) {
        throw new OptionError(
          `mxQuantize needs finite values. Received ${block[i]} at index ${b * blockSize + i}.`,
          'values',
          block[i],
        );
      }
    }
    let e = mxSharedExponent(block, f.maxExp);
    if (scaleRule === 'round-up' && e < SCALE_MAX_EXP) {
      let amax = 0;
      for (let i = 0; i < block.length; i++) amax = Math.max(amax, Math.abs(block[i]!));
      if (amax * 2 ** -e > f.maxFinite) e += 1;
    }
    scaleExponents[b] = e;
    const inv = 2 ** -e; // exact: a power of two
    for (let i = 0; i < block.length; i++) {
      const v = block[i]! * inv;
      if (Math.abs(v) > f.maxFinite) saturated++;
      scaled[b * blockSize + i] = v;
    }
  }
  const elements = roundArray(scaled, f, { overflow: 'saturate' });
  const dequantized = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++)
    dequantized[i] = elements[i]! * 2 ** scaleExponents[Math.floor(i / blockSize)]!;
  return {
    elementFormat: f.name,
    blockSize,
    scaleRule,
    dequantized,
    elements,
    scaleExponents,
    bitsPerValue: f.bits + 8 / blockSize,
    saturated: values.length > 0 ? saturated / values.length : 0,
    error: quantError(values, dequantized),
  };
}

export interface PerTensorResult {
  readonly format: string;
  /** The float32 scale s = maxFinite / amax (1 for an all-zero tensor). */
  readonly scale: number;
  readonly dequantized: Float32Array;
  readonly error: QuantErrorStats;
}

/**
 * Per-tensor scaling with a float32 scale, the way FP8 recipes cast a whole tensor (Transformer Engine's
 * current scaling): q(x·s)/s with s = maxFinite / amax(x), rounded to nearest even, saturating. The baseline
 * that MX block scaling improves on. Any float format is accepted.
 */
export function perTensorQuantize(values: Float32Array, format: FormatLike): PerTensorResult {
  if (!(values instanceof Float32Array)) {
    throw new OptionError(
      `values must be a Float32Array. Received: ${describeValue(values)}. Convert with Float32Array.from(values).`,
      'values',
      values,
    );
  }
  const f = getFloatFormat(format);
  let amax = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new OptionError(
        `perTensorQuantize needs finite values. Received ${values[i]} at index ${i}.`,
        'values',
        values[i],
      );
    }
    amax = Math.max(amax, Math.abs(values[i]!));
  }
  const scale = amax > 0 ? Math.fround(f.maxFinite / amax) : 1;
  const scaled = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) scaled[i] = values[i]! * scale;
  const dequantized = roundArray(scaled, f, { overflow: 'saturate' });
  for (let i = 0; i < dequantized.length; i++) dequantized[i] = dequantized[i]! / scale;
  return { format: f.name, scale, dequantized, error: quantError(values, dequantized) };
}

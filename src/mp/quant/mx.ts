/**
 * OCP Microscaling (MX) block formats, as the OCP MX specification v1.0 (2023) defines them: a block of k
 * (normally 32) consecutive values along one axis shares one scale X = 2^e stored as float8_e8m0fnu, and each value
 * is kept as an element P_i, so that V_i ≈ X · P_i. The shared exponent is
 *
 *     e = floor(log2(max_i |V_i|)) − emax_elem
 *
 * where emax_elem is the exponent of the element format's largest normal (8 for e4m3, 2 for e2m1, 0 for MXINT8),
 * clamped below at e8m0's −127 (an all-zero block gets −127). A block holding a NaN or an infinity gets a NaN scale,
 * so all of its values decode to NaN; the other blocks are unaffected. The elements are the scaled cast
 * q(V_i / X) (ops/scaled_cast.ts): rounded to nearest even, saturating at the element's largest value.
 *
 * The formats, by the spec's names: MXFP8_E4M3, MXFP8_E5M2, MXFP6_E3M2, MXFP6_E2M3, MXFP4_E2M1 and MXINT8, whose
 * element is an 8-bit two's-complement integer with an implicit scale of 2^-6, clamped symmetrically to ±127/64.
 *
 * Blocks run along one axis (default the last) of a tensor given by its shape, each row on its own, its last block
 * shorter (padded with zeros), as microsoft/microxcaling's `_quantize_mx` and Transformer Engine do. The reference
 * test transcribes `_quantize_mx` with round='even'; it departs from microxcaling in two places only: the shared
 * exponent is taken exactly (microxcaling's float32 torch.log2 rounds up for an amax within a few ulps below a
 * power of two), and MXINT8 elements have no −0.
 *
 * The option scaleRule: 'round-up' takes e = ceil(log2(max|V| / maxElem)) instead, so that nothing saturates (where
 * the spec's floor puts max|V|/X above the element's largest value, between 6 and 8 for e2m1).
 *
 *     mxQuantize(weights, 'MXFP4_E2M1').error.relativeRmse
 *     mxQuantize(w, 'MXFP8_E4M3', 32, { shape: [784, 64], axis: 0 })   // blocks down each column
 */
import * as tf from '@tensorflow/tfjs';
import { checkChoice, checkOptionKeys, describeValue, FormatError, OptionError } from '../errors';
import { getFormat } from '../formats/registry';
import type { Format } from '../formats/spec';
import { amaxOf, scaledCastArray, scaleFromAmax } from '../ops/scaled_cast';
import { blockAmax, blockLayout, castInBlocks, checkFiniteValues, checkShape } from './blocks';
import { quantError, type QuantErrorStats } from './quant_error';

/** The MX formats of the OCP spec v1.0 and their element formats (MXINT8's int8 carries an implicit 2^-6). */
export const MX_FORMATS = {
  MXFP8_E5M2: 'float8_e5m2',
  MXFP8_E4M3: 'float8_e4m3fn',
  MXFP6_E3M2: 'float6_e3m2fn',
  MXFP6_E2M3: 'float6_e2m3fn',
  MXFP4_E2M1: 'float4_e2m1fn',
  MXINT8: 'int8',
} as const;
export type MxFormat = keyof typeof MX_FORMATS;
const MX_NAMES = Object.keys(MX_FORMATS) as MxFormat[];

/** The float element formats (MXFP8, MXFP6, MXFP4), by their own names; mxQuantize takes these too. */
export const MX_ELEMENT_FORMATS = Object.values(MX_FORMATS).filter((e) => e !== 'int8');

/** MXINT8's implicit element scale: its integers k stand for k · 2^-6. */
const MXINT8_STEP = 2 ** -6;

/** Smallest and largest exponent of the float8_e8m0fnu scale (its 0xFF code is NaN). */
const SCALE_MIN_EXP = -127;
const SCALE_MAX_EXP = 127;

export const MX_SCALE_RULES = ['ocp', 'round-up'] as const;
export type MxScaleRule = (typeof MX_SCALE_RULES)[number];

export interface MxOptions {
  /** `ocp` (default): the spec's floor(log2(amax)) − emax_elem. `round-up`: the smallest e with no saturation. */
  readonly scaleRule?: MxScaleRule;
  /** The tensor's shape (row-major); default [values.length]. */
  readonly shape?: readonly number[];
  /** The axis the blocks run along; negative counts from the end. Default −1, the last. */
  readonly axis?: number;
}

export interface MxResult {
  /** The spec's name, e.g. MXFP4_E2M1. */
  readonly format: MxFormat;
  readonly elementFormat: string;
  readonly blockSize: number;
  readonly scaleRule: MxScaleRule;
  readonly shape: readonly number[];
  readonly axis: number;
  /** X · P_i for every value, as float32: what a matmul on the MX data computes with. */
  readonly dequantized: Float32Array;
  /** The elements P_i (MXINT8: k · 2^-6); NaN in a block whose scale is NaN. */
  readonly elements: Float32Array;
  /** The shared exponent e of each block (X = 2^e), row-major over the blocks; NaN where X is NaN. */
  readonly scaleExponents: Float32Array;
  /** The scales as float8_e8m0fnu codes: e + 127, and 0xFF for NaN. */
  readonly scaleCodes: Uint8Array;
  /** Storage per value: element bits + 8 scale bits / blockSize (MXFP4: 4.25). */
  readonly bitsPerValue: number;
  /** Fraction of values clamped to the element's largest value. */
  readonly saturated: number;
  readonly error: QuantErrorStats;
}

/** floor(log2(a)) for a finite a > 0, exact (Math.log2 can round across a power of two). */
export function floorLog2(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  return e;
}

/**
 * The shared exponent of one MX block: floor(log2(max |v|)) − emaxElem, clamped to −127..127; −127 when every
 * value is zero, NaN when a value is NaN or infinite.
 *
 *     mxSharedExponent([0.5, -3, 1.25], 8)   // 1 − 8 = −7
 */
export function mxSharedExponent(block: ArrayLike<number>, emaxElem: number): number {
  let amax = 0;
  for (let i = 0; i < block.length; i++) amax = Math.max(amax, Math.abs(block[i]!));
  return exponentOf(amax, emaxElem);
}

function exponentOf(amax: number, emaxElem: number): number {
  if (!(amax < Infinity)) return NaN;
  if (amax === 0) return SCALE_MIN_EXP;
  return Math.min(SCALE_MAX_EXP, Math.max(SCALE_MIN_EXP, floorLog2(amax) - emaxElem));
}

/** An MX format's element: its format, emax_elem, and the largest element value. */
function mxElement(format: string): { name: MxFormat; element: Format; emax: number; maxElement: number } {
  const name = (MX_NAMES as readonly string[]).includes(format)
    ? (format as MxFormat)
    : MX_NAMES.find((n) => MX_FORMATS[n] === format && n !== 'MXINT8');
  if (!name) {
    const valid = [...MX_NAMES, ...MX_ELEMENT_FORMATS];
    throw new FormatError(`${format} is not an MX format. Valid: ${valid.join(', ')}.`, format, valid);
  }
  const element = getFormat(MX_FORMATS[name]);
  if (element.kind === 'int') return { name, element, emax: 0, maxElement: element.max * MXINT8_STEP };
  return { name, element, emax: element.maxExp, maxElement: element.maxFinite };
}

/**
 * Quantizes `values` to an MX format (a spec name such as 'MXFP4_E2M1', or a float element's name such as
 * 'float4_e2m1fn'): along `axis` of `shape`, each run of `blockSize` values shares one float8_e8m0fnu scale. With
 * one block for the whole tensor it is per-tensor scaling with a power-of-two scale. Throws OptionError for a bad
 * blockSize, shape or axis, FormatError for a format that is not MX.
 */
export function mxQuantize(values: Float32Array, format: string, blockSize = 32, options: MxOptions = {}): MxResult {
  checkOptionKeys('mxQuantize', options, ['scaleRule', 'shape', 'axis']);
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
  const { name, element, emax, maxElement } = mxElement(format);
  const scaleRule = checkChoice('scaleRule', options.scaleRule ?? 'ocp', MX_SCALE_RULES);
  const shape = checkShape(options.shape, values.length);
  const axis = options.axis ?? -1;
  if (!Number.isInteger(axis) || axis < -shape.length || axis >= shape.length) {
    throw new OptionError(
      `axis must be an integer in ${-shape.length}..${shape.length - 1} for shape [${shape}]. Received: axis=${axis}`,
      'axis',
      axis,
    );
  }
  const along = (axis + shape.length) % shape.length;
  const layout = blockLayout(
    shape,
    shape.map((_, a) => (a === along ? blockSize : 1)),
  );
  const { amax, nonFinite } = blockAmax(values, layout);
  const scaleExponents = new Float32Array(layout.count);
  // values are multiplied by 2^−e, and by 2^6 more for MXINT8's integers: 2^133 at most, past float32's range
  const scale = new Float64Array(layout.count);
  const scaleInv = new Float64Array(layout.count);
  for (let b = 0; b < layout.count; b++) {
    let e = nonFinite[b] ? NaN : exponentOf(amax[b]!, emax);
    if (scaleRule === 'round-up' && e < SCALE_MAX_EXP && amax[b]! * 2 ** -e > maxElement) e += 1;
    scaleExponents[b] = e;
    const step = element.kind === 'int' ? MXINT8_STEP : 1;
    scale[b] = 2 ** -e / step;
    scaleInv[b] = 2 ** e * step;
  }
  const cast = scaledCastArray(values, element, scale, scaleInv, layout.blockOf);
  const elements = element.kind === 'int' ? cast.elements.map((k) => k * MXINT8_STEP) : cast.elements;
  let saturated = 0;
  for (let i = 0; i < values.length; i++) {
    const b = layout.blockOf[i]!;
    if (Number.isNaN(scaleExponents[b]!)) elements[i] = NaN;
    else if (Math.abs(values[i]! * 2 ** -scaleExponents[b]!) > maxElement) saturated++;
  }
  return {
    format: name,
    elementFormat: element.name,
    blockSize,
    scaleRule,
    shape,
    axis: along,
    dequantized: cast.dequantized,
    elements,
    scaleExponents,
    scaleCodes: Uint8Array.from(scaleExponents, (e) => (Number.isNaN(e) ? 0xff : e - SCALE_MIN_EXP)),
    bitsPerValue: element.bits + 8 / blockSize,
    saturated: values.length > 0 ? saturated / values.length : 0,
    error: quantError(values, cast.dequantized),
  };
}

/**
 * The MX cast of a matrix as tfjs ops, for training: blocks of `blockSize` along `axis` (1: along each row, 0: down
 * each column), the shared exponents computed on the device. Bit for bit mxQuantize's dequantized on cpu and wasm
 * (a test checks it). MXFP formats only: the tensor scaled cast takes float formats.
 *
 *     mxCastTensor(x, 'MXFP8_E4M3', 1)   // x [batch, K]: blocks along K, as a GEMM's forward input
 */
export function mxCastTensor(x: tf.Tensor2D, format: string, axis: 0 | 1, blockSize = 32): tf.Tensor2D {
  const { name, element, emax } = mxElement(format);
  if (element.kind !== 'float') {
    throw new FormatError(`mxCastTensor takes the MXFP formats. Received: ${name}`, name, MX_ELEMENT_FORMATS);
  }
  return castInBlocks(x, axis === 1 ? [1, blockSize] : [blockSize, 1], element, (amax) => {
    const e = sharedExponentTensor(amax, emax);
    return { scale: tf.pow(2, tf.neg(e)), scaleInv: tf.pow(2, e) };
  });
}

/** exponentOf on the device: floor(log2(amax)) from the float estimate, corrected by one either way as floorLog2 is. */
function sharedExponentTensor(amax: tf.Tensor, emaxElem: number): tf.Tensor {
  return tf.tidy(() => {
    const estimate = tf.floor(tf.div(tf.log(amax), Math.LN2));
    const below = tf.where(tf.greater(tf.pow(2, estimate), amax), tf.sub(estimate, 1), estimate);
    const e = tf.where(tf.lessEqual(tf.pow(2, tf.add(below, 1)), amax), tf.add(below, 1), below);
    const clamped = tf.clipByValue(tf.sub(e, emaxElem), SCALE_MIN_EXP, SCALE_MAX_EXP); // amax 0: −inf → −127
    return tf.where(tf.isFinite(amax), clamped, tf.fill(amax.shape, NaN));
  });
}

export interface PerTensorResult {
  readonly format: string;
  /** The float32 scale s = maxFinite / amax (1 for an all-zero tensor). */
  readonly scale: number;
  readonly dequantized: Float32Array;
  readonly error: QuantErrorStats;
}

/**
 * Per-tensor scaling with a float32 scale, the way FP8 recipes cast a whole tensor (Transformer Engine's current
 * scaling): the scaled cast with s = scaleFromAmax(amax(x), maxFinite). The baseline that MX block scaling
 * improves on. Any float format is accepted.
 *
 *     perTensorQuantize(Float32Array.of(3, -0.1, 1), 'float4_e2m1fn').scale   // 2
 */
export function perTensorQuantize(values: Float32Array, format: string): PerTensorResult {
  checkFiniteValues('perTensorQuantize', values);
  const f = getFormat(format);
  const scale = scaleFromAmax(amaxOf(values), f.maxFinite);
  const { dequantized } = scaledCastArray(values, f, scale);
  return { format: f.name, scale, dequantized, error: quantError(values, dequantized) };
}

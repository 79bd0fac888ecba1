import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { useBackend } from '../../../src/mp';
import { KERNELS } from '../../../src/mp/ops/kernel_names';
import { softmaxCrossEntropy } from '../../../src/mp/ops/softmax_cross_entropy';
import { wasmFused } from '../../../src/mp/ops/wasm_fused';
import { bitsOf } from '../../helpers';

/** Every bit, NaNs' signs and payloads included: the fused kernels run tfjs-wasm's own kernels. */
const bits = (t: tf.Tensor): number[] => [...bitsOf(t.dataSync() as Float32Array)];

type Loss = (labels: tf.Tensor, logits: tf.Tensor) => tf.Scalar;
const tfjsLoss: Loss = (labels, logits) => tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;

/** The loss, and its gradient with respect to the logits for a seed dy. */
function run(loss: Loss, labels: tf.Tensor, logits: tf.Tensor, dy: tf.Scalar): number[][] {
  return tf.tidy(() => [bits(loss(labels, logits)), bits(tf.grad((z: tf.Tensor) => loss(labels, z))(logits, dy))]);
}

describe('softmax cross-entropy as one kernel on wasm', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('runs as one kernel on wasm', async () => {
    expect(wasmFused(KERNELS.softmaxCrossEntropy)).to.equal(true);
    const [labels, logits] = [tf.oneHot([1], 3).toFloat(), tf.tensor2d([[0, 2, 0]])];
    const { kernels } = await tf.profile(() => softmaxCrossEntropy(labels, logits));
    expect(kernels.map((k) => k.name)).to.deep.equal([KERNELS.softmaxCrossEntropy]);
    tf.dispose([labels, logits]);
  });

  it("gives tfjs's loss and gradient bit for bit: one-hot and soft labels, seeds 1 and a loss scale", () => {
    for (const [rows, classes] of [
      [128, 10],
      [7, 3],
      [1, 2],
    ] as const) {
      const logits = tf.randomNormal([rows, classes], 0, 8, 'float32', rows);
      const oneHot = tf.oneHot(tf.randomUniform([rows], 0, classes, 'int32', 2), classes).toFloat();
      const soft = tf.softmax(tf.randomNormal([rows, classes], 0, 1, 'float32', 3));
      for (const labels of [oneHot, soft]) {
        for (const dy of [tf.scalar(1), tf.scalar(65536), tf.scalar(2 ** -20)]) {
          expect(run(softmaxCrossEntropy, labels, logits, dy)).to.deep.equal(run(tfjsLoss, labels, logits, dy));
          dy.dispose();
        }
      }
      tf.dispose([logits, oneHot, soft]);
    }
  });

  it("keeps tfjs's bits through huge, infinite and NaN logits, and ties", () => {
    const logits = tf.tensor2d([
      [1e30, -1e30, 0],
      [Infinity, 1, 2],
      [-Infinity, -Infinity, 0],
      [NaN, 1, 2],
      [3, 3, 3],
      [88.7, 88.7, -104],
    ]);
    const labels = tf.oneHot([0, 1, 2, 0, 1, 2], 3).toFloat();
    const dy = tf.scalar(1024);
    expect(run(softmaxCrossEntropy, labels, logits, dy)).to.deep.equal(run(tfjsLoss, labels, logits, dy));
    tf.dispose([logits, labels, dy]);
  });

  it("gives the labels' gradient as tfjs does, and leaves no tensor behind", () => {
    const [labels, logits] = [tf.softmax(tf.randomNormal([5, 4], 0, 1, 'float32', 1)), tf.randomNormal([5, 4])];
    const dy = tf.scalar(1);
    const before = [tf.memory().numTensors, tf.backend().numDataIds()];
    const grads = (loss: Loss): number[] => tf.tidy(() => bits(tf.grad((l: tf.Tensor) => loss(l, logits))(labels)));
    expect(grads(softmaxCrossEntropy)).to.deep.equal(grads(tfjsLoss));
    run(softmaxCrossEntropy, labels, logits, dy);
    expect([tf.memory().numTensors, tf.backend().numDataIds()], 'tensors, and data on the heap').to.deep.equal(before);
    tf.dispose([labels, logits, dy]);
  });
});

import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { useBackend } from '../../../src/course/index';
import { batchTensors } from '../../../src/course/experiments/batches';
import type { MnistSplit } from '../../../src/course/experiments/mnist';

/** Five 784-pixel rows, row r holding r + i/1000 at pixel i, labelled 9 − r. */
const split: MnistSplit = {
  images: Float32Array.from({ length: 5 * 784 }, (_, k) => Math.floor(k / 784) + (k % 784) / 1000),
  labels: Uint8Array.from([9, 8, 7, 6, 5]),
  count: 5,
};

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`batchTensors on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });
    after(async () => {
      await useBackend('wasm');
    });

    it('copies the rows in order and one-hot encodes their labels, on reused memory too, leaking nothing', () => {
      const rows = Int32Array.from([3, 0, 4]);
      const expected = Array.from(rows).flatMap((r) => Array.from(split.images.subarray(r * 784, (r + 1) * 784)));
      const onehot = Array.from(rows).flatMap((r) => Array.from({ length: 10 }, (_, c) => Number(c === 9 - r)));
      tf.fill([3, 784], 7).dispose(); // leaves non-zero memory for the next tensors to take
      const before = tf.memory().numTensors;
      const { x, y } = batchTensors(split, rows);
      expect([x.shape, y.shape]).to.deep.equal([
        [3, 784],
        [3, 10],
      ]);
      expect(Array.from(x.dataSync())).to.deep.equal(expected);
      expect(Array.from(y.dataSync())).to.deep.equal(onehot);
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).to.equal(before);
    });
  });
}

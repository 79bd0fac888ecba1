import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { useBackend } from '../../../src/mp';
import { nonFiniteFlag } from '../../../src/mp/amp/optimizer';

/** The flag as the plain ops compute it: the reference for the kernel. */
function byOps(tensors: tf.Tensor[]): boolean {
  return tf.tidy(() => !tf.all(tf.stack(tensors.map((t) => tf.all(tf.isFinite(t))))).dataSync()[0]);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`the non-finite flag on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });
    after(async () => {
      await useBackend('wasm');
    });

    it('finds inf, −inf and NaN at every position: SIMD lanes and the n mod 4 tail, in any input', () => {
      for (const n of [1, 3, 4, 5, 8, 13]) {
        for (const bad of [Infinity, -Infinity, NaN]) {
          for (let at = 0; at < n; at++) {
            const x = Float32Array.from({ length: n }, (_, i) => (i === at ? bad : i - 3.5));
            const tensors = [tf.ones([7]), tf.tensor1d(x)];
            const flag = nonFiniteFlag(tensors);
            expect([flag.dtype, flag.dataSync()[0]], `${bad} at ${at} of ${n}`).to.deep.equal(['bool', 1]);
            tf.dispose([...tensors, flag]);
          }
        }
      }
    });

    it('is false for finite values (max, subnormals, −0) and agrees with the ops', () => {
      const tensors = [tf.tensor1d([3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -0, 0]), tf.zeros([2, 3])];
      const flag = nonFiniteFlag(tensors);
      expect(flag.dataSync()[0]).to.equal(0);
      expect(byOps(tensors)).to.equal(false);
      tf.dispose([...tensors, flag]);
    });

    it('leaks no tensors', () => {
      const x = tf.tensor1d([1, NaN]);
      const before = tf.memory().numTensors;
      nonFiniteFlag([x]).dispose();
      expect(tf.memory().numTensors).to.equal(before);
      x.dispose();
    });
  });
}

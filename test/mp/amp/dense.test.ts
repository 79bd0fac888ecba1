import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { autocast, matMul, policy, useBackend } from '../../../src/mp';
import { denseWithCasts } from '../../../src/mp/amp/dense';
import { bitsOf } from '../../helpers';

/** The autocast path MixedDense took before MpDense: six tape nodes. */
const viaAutocast = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, p: string): tf.Tensor =>
  autocast('dense', p, [x, w, b], (xc, wc, bc) => tf.add(matMul(xc as tf.Tensor2D, wc as tf.Tensor2D), bc));

const bits = (t: tf.Tensor): number[] => [...bitsOf(t.dataSync() as Float32Array)];

describe('MpDense: the dense layer’s cast points as one kernel', () => {
  before(async () => {
    await useBackend('wasm');
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives autocast's values and gradients bit for bit on ${backend}, under each casting policy`, async () => {
      await useBackend(backend);
      for (const name of ['mixed_float16', 'mixed_bfloat16', 'float16', 'mixed_float8']) {
        // values across float16's range, and a loss whose gradients reach its subnormals
        const x = tf.randomNormal([9, 13], 0, 30, 'float32', 1) as tf.Tensor2D;
        const w = tf.randomNormal([13, 6], 0, 0.3, 'float32', 2) as tf.Tensor2D;
        const b = tf.randomNormal([6], 0, 1, 'float32', 3) as tf.Tensor1D;
        const weights = tf.randomNormal([9, 6], 0, 1e-4, 'float32', 4);
        type Dense = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;
        const fused: Dense = (xx, ww, bb) =>
          denseWithCasts(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, policy(name));
        const plain: Dense = (xx, ww, bb) => viaAutocast(xx, ww, bb, name);
        const gradsOf = (f: Dense): tf.Tensor[] =>
          tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, ww, bb), weights)))([x, w, b]);
        expect(bits(fused(x, w, b)), `${name}: y`).to.deep.equal(bits(plain(x, w, b)));
        const [got, want] = [gradsOf(fused), gradsOf(plain)];
        ['dx', 'dW', 'db'].forEach((label, i) =>
          expect(bits(got[i]!), `${name}: ${label}`).to.deep.equal(bits(want[i]!)),
        );
        tf.dispose([x, w, b, weights, ...got, ...want]);
      }
    });
  }
});

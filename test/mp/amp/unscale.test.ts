import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { DynamicLossScaler, LossScaleOptimizer, useBackend } from '../../../src/mp';
import { nonFiniteFlag } from '../../../src/mp/amp/optimizer';
import { unscaleWithFlag } from '../../../src/mp/amp/unscale';

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`unscaling in one kernel on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });
    after(async () => {
      await useBackend('wasm');
    });

    it('divides bit for bit as tf.div, and flags inf or NaN quotients as nonFiniteFlag does', () => {
      const magnitudes = tf.pow(10, tf.randomUniform([1003], -44, 38, 'float32', 1)); // SIMD lanes and a tail
      const wide = tf.mul(tf.randomNormal([1003], 0, 1, 'float32', 2), magnitudes);
      const cases: [number[] | tf.Tensor, number][] = [
        [wide, 1000.5],
        [wide, 2 ** -10], // finite gradients whose quotients overflow
        [[1, -0, 2, 3, 4, NaN], 4],
        [[1, 2, 3, 4, 5, 6, 7, Infinity], 8],
      ];
      for (const [x, s] of cases) {
        const g = x instanceof tf.Tensor ? x.clone() : tf.tensor1d(x);
        const [other, scale] = [tf.tensor1d([3, 5, 7]), tf.scalar(s)];
        const { unscaled, found } = unscaleWithFlag([g, other], scale)!;
        const expected = [tf.div(g, scale), tf.div(other, scale)];
        const flag = nonFiniteFlag(expected);
        expect(unscaled.map(values)).to.deep.equal(expected.map(values));
        expect(values(found)).to.deep.equal(values(flag));
        tf.dispose([g, other, scale, ...unscaled, found, ...expected, flag]);
      }
      tf.dispose([magnitudes, wide]);
    });

    it('hands its flag to applyGradients only for the very gradients it unscaled', async () => {
      const w = tf.variable(tf.tensor1d([1, 2]), true, `unscale_${backend}_taken`);
      const opt = new LossScaleOptimizer(tf.train.adam(0.1), new DynamicLossScaler({ initScale: 4 }));
      const step = (replace: (g: tf.Tensor) => tf.Tensor, loss: () => tf.Scalar): Promise<boolean> => {
        const { value, grads } = opt.computeGradients(loss, [w]);
        const g = replace(grads[w.name]!);
        opt.applyGradients({ [w.name]: g });
        tf.dispose([value, g, ...Object.values(grads)]);
        return opt.lastStepSkipped();
      };
      const finite = (): tf.Scalar => tf.sum(tf.mul(w, w)) as tf.Scalar;
      const infinite = (): tf.Scalar => tf.sum(tf.div(w, tf.scalar(0))) as tf.Scalar;
      expect(await step((g) => g.clone(), finite)).to.equal(false);
      expect(await step((g) => g.clone(), infinite)).to.equal(true);
      expect(await step((g) => tf.where(tf.isFinite(g), g, tf.zerosLike(g)), infinite)).to.equal(false); // cleaned
      expect(await step((g) => tf.div(g, tf.scalar(0)), finite)).to.equal(true); // spoilt after unscaling
      w.dispose();
      opt.dispose();
    });
  });
}

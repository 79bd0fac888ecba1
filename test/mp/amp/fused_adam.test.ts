import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { DisabledLossScaler, DynamicLossScaler, LossScaleOptimizer, useBackend } from '../../../src/mp';
import { fusedAdamApplies, fusedAdamStep } from '../../../src/mp/amp/fused_adam';
import { KERNELS } from '../../../src/mp/ops/kernel_names';
import { optimizerState } from '../../../src/mp/tfjs_internals';

/**
 * Weights, moments and accumulated betas after `steps` Adam steps on a fixed least-squares problem. The
 * weights' 140 and 7 elements reach both parts of the wasm kernel: SIMD lanes and the n mod 4 tail.
 */
async function train(wrap: 'none' | 'dynamic' | 'disabled', steps: number, tag: string): Promise<number[][]> {
  const x = tf.randomNormal([32, 20], 0, 1, 'float32', 1);
  const y = tf.randomNormal([32, 7], 0, 1, 'float32', 2);
  const w = tf.variable(tf.randomNormal([20, 7], 0, 0.3, 'float32', 3), true, `fused_${tag}_w`);
  const b = tf.variable(tf.zeros([7]), true, `fused_${tag}_b`);
  const adam = tf.train.adam(0.01);
  const scaler = wrap === 'dynamic' ? new DynamicLossScaler({ initScale: 2 ** 8 }) : new DisabledLossScaler();
  const opt = wrap === 'none' ? adam : new LossScaleOptimizer(adam, scaler);
  const loss = (): tf.Scalar => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar;
  for (let i = 0; i < steps; i++) opt.minimize(loss, false, [w, b]);
  const weights = await adam.getWeights();
  const out = [w, b, ...weights.map((t) => t.tensor)].map((t) => Array.from(t.dataSync()));
  out.push(weights.map((t) => t.name.replace(`fused_${tag}_`, '')) as never);
  tf.dispose([x, y, w, b]);
  opt.dispose();
  return out;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused masked Adam on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });
    after(async () => {
      await useBackend('wasm');
    });

    it('applies to tf.train.adam only', () => {
      expect(fusedAdamApplies(tf.train.adam(0.1))).to.equal(true);
      expect(fusedAdamApplies(tf.train.sgd(0.1))).to.equal(false);
    });

    for (const wrap of ['dynamic', 'disabled'] as const) {
      it(`is bit-identical to tf.train.adam with a ${wrap} scaler: weights, moments, getWeights`, async () => {
        const plain = await train('none', 6, `${backend}_${wrap}_p`);
        expect(await train(wrap, 6, `${backend}_${wrap}_f`)).to.deep.equal(plain);
      });
    }

    it('takes the fused kernel for an unmasked step: no tfjs Adam kernels', async () => {
      const w = tf.variable(tf.tensor1d([1, -2, 3]), true, `fused_${backend}_unmasked`);
      const opt = new LossScaleOptimizer(tf.train.adam(0.1), new DisabledLossScaler());
      const loss = (): tf.Scalar => tf.sum(tf.square(w)) as tf.Scalar;
      opt.minimize(loss, false, [w]); // the first step creates the moments
      const { value, grads } = opt.computeGradients(loss, [w]);
      const { kernelNames } = await tf.profile(() => opt.applyGradients(grads));
      expect(kernelNames).to.deep.equal([KERNELS.adam, KERNELS.adamBetas]);
      tf.dispose([value, ...Object.values(grads), w]);
      opt.dispose();
    });

    it('is bit-identical to tf.train.adam on 10 003 values whose gradients span 24 decades', () => {
      const n = 10_003; // SIMD lanes and a 3-element tail
      const magnitudes = tf.pow(10, tf.randomUniform([n], -20, 4, 'float32', 4));
      const grads = [0, 1, 2].map((s) => tf.mul(tf.randomNormal([n], 0, 1, 'float32', 5 + s), magnitudes));
      const no = tf.scalar(false, 'bool');
      const runs = [false, true, true].map((fused, run) => {
        const w = tf.variable(tf.randomNormal([n], 0, 1, 'float32', 8), true, `fused_${backend}_wide_${run}`);
        const adam = tf.train.adam(0.01);
        for (const g of grads) {
          if (fused)
            fusedAdamStep(adam, [w.name], [g], run === 1 ? no : undefined); // masked by false, unmasked
          else adam.applyGradients([{ name: w.name, tensor: g }]);
        }
        const out = [w, ...optimizerState(adam)].map((v) => Array.from(v.dataSync()));
        tf.dispose(w);
        adam.dispose();
        return out;
      });
      expect(runs[1]).to.deep.equal(runs[0]);
      expect(runs[2]).to.deep.equal(runs[0]);
      tf.dispose([magnitudes, ...grads, no]);
    });

    it('leaves weights and all Adam state unchanged on a skipped step', async () => {
      const w = tf.variable(tf.tensor1d([1, -2, 3]), true, `fused_${backend}_skip`);
      const adam = tf.train.adam(0.1);
      new LossScaleOptimizer(adam, new DisabledLossScaler()).minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [
        w,
      ]);
      const state = (): number[][] => [w, ...optimizerState(adam)].map((v) => Array.from(v.dataSync()));
      const masked = new LossScaleOptimizer(adam, new DynamicLossScaler());
      const before = state();
      masked.minimize(() => tf.sum(tf.div(w, tf.scalar(0))) as tf.Scalar, false, [w]);
      expect(await masked.lastStepSkipped()).to.equal(true);
      expect(state()).to.deep.equal(before);
      masked.dispose();
      w.dispose();
    });
  });
}

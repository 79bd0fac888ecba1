import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  castToCompute,
  DisabledLossScaler,
  DynamicLossScaler,
  LossScaleOptimizer,
  MixedDense,
  policy,
  roundValue,
  StaticLossScaler,
  useBackend,
} from '../../../src/mp';

describe('LossScaleOptimizer', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('returns unscaled gradients and loss, so clipping sees true values', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'lso_unscale');
    const opt = new LossScaleOptimizer(tf.train.sgd(0.1), new StaticLossScaler(1024));
    const { value, grads } = opt.computeGradients(() => tf.sum(tf.mul(w, w)) as tf.Scalar, [w]);
    expect(value.dataSync()[0]).to.equal(5);
    expect(Array.from(grads.lso_unscale!.dataSync())).to.deep.equal([2, 4]);
    tf.dispose([value, ...Object.values(grads), w]);
    opt.dispose();
  });

  it('differentiates S·loss bit for bit as tf.mul(loss, S) would, and returns the loss as f made it', () => {
    const x = tf.randomNormal([16, 5], 0, 1, 'float32', 1);
    const w = tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 2), true, 'lso_seed');
    const f = (): tf.Scalar => tf.mean(tf.square(tf.matMul(x, w))) as tf.Scalar;
    const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());
    for (const scale of [1000.5, 3e38]) {
      // 1000.5 is no power of two; 3e38·loss overflows to inf
      const opt = new LossScaleOptimizer(tf.train.sgd(0.1), new StaticLossScaler(scale));
      const { value, grads } = opt.computeGradients(f, [w]);
      const ref = tf.variableGrads(() => tf.mul(f(), scale) as tf.Scalar, [w]);
      const [unscaled, loss] = [tf.div(ref.grads.lso_seed!, scale), f()];
      expect(values(grads.lso_seed!)).to.deep.equal(values(unscaled));
      expect(values(value)).to.deep.equal(values(loss));
      tf.dispose([value, ...Object.values(grads), ref.value, ...Object.values(ref.grads), unscaled, loss]);
      opt.dispose();
    }
    tf.dispose([x, w]);
  });

  it('never lets a non-finite gradient reach the weights, and backs off the scale', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'lso_nonfinite');
    const scaler = new DynamicLossScaler({ initScale: 2 ** 10 });
    const opt = new LossScaleOptimizer(tf.train.adam(0.1), scaler);
    opt.minimize(() => tf.sum(tf.div(w, tf.scalar(0))) as tf.Scalar, false, [w]); // gradient inf
    expect(Array.from(w.dataSync())).to.deep.equal([1, 2]);
    expect([await opt.lastStepSkipped(), scaler.scale, scaler.stats.skipped]).to.deep.equal([true, 2 ** 9, 1]);
    opt.minimize(() => tf.sum(tf.mul(w, w)) as tf.Scalar, false, [w]); // a good step goes through
    expect(await opt.lastStepSkipped()).to.equal(false);
    expect(w.dataSync()[0]).to.be.below(1);
    w.dispose();
    opt.dispose();
  });

  it('with a disabled scaler, behaves as the plain optimizer', () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'lso_plain_a');
    const b = tf.variable(tf.tensor1d([1, 2]), true, 'lso_plain_b');
    const plain = tf.train.sgd(0.1);
    const wrapped = new LossScaleOptimizer(tf.train.sgd(0.1), new DisabledLossScaler());
    plain.minimize(() => tf.sum(tf.square(a)) as tf.Scalar, false, [a]);
    wrapped.minimize(() => tf.sum(tf.square(b)) as tf.Scalar, false, [b]);
    expect(Array.from(b.dataSync())).to.deep.equal(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    plain.dispose();
    wrapped.dispose();
  });

  it('works with model.fit, and leaks no tensors across training steps', async () => {
    const model = tf.sequential({
      layers: [
        new MixedDense({ units: 8, activation: 'relu', policy: 'mixed_float16', inputShape: [4], seed: 1 }),
        new MixedDense({ units: 2, policy: 'mixed_float16', seed: 2 }),
      ],
    });
    const scaler = new DynamicLossScaler({ growthInterval: 3 });
    model.compile({
      optimizer: new LossScaleOptimizer(tf.train.adam(0.01), scaler),
      loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits),
    });
    const x = tf.randomNormal([64, 4], 0, 1, 'float32', 3);
    const y = tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: 64 }, (_, i) => i % 2),
          'int32',
        ),
        2,
      )
      .toFloat();
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 }); // warm-up: creates optimizer state
    const before = tf.memory().numTensors;
    const h = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    expect(tf.memory().numTensors).to.equal(before);
    const losses = h.history.loss as number[];
    expect(losses[2]).to.be.below(losses[0]!);
    // 16 steps; the scale grows every 3 good steps until the scaled float16 gradients overflow, then backs off
    const { steps, growths, backoffs, skipped } = scaler.stats;
    expect(steps).to.equal(16);
    expect(growths).to.be.above(0);
    expect(skipped).to.equal(backoffs);
    expect(scaler.scale).to.equal(2 ** (16 + growths - backoffs));
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rounds the weights back to float16 under a pure float16 policy: updates below half an ulp are lost', () => {
    const w = tf.variable(tf.tensor1d([2048, 1]), true, 'lso_swamp');
    const opt = new LossScaleOptimizer(tf.train.sgd(1), new DisabledLossScaler(), 'float16');
    opt.minimize(() => tf.sum(tf.mul(w, -1)) as tf.Scalar, false, [w]); // Δw = +1 for both
    expect(Array.from(w.dataSync())).to.deep.equal([2048, 2]); // 2049 is not a float16: it rounds back to 2048
    w.dispose();
    opt.dispose();
  });
});

describe('cast points', () => {
  it('round values forward and gradients backward, so float16 gradients underflow as on a GPU', () => {
    const p = policy('mixed_float16');
    const x = tf.tensor1d([0.1, 1, 3]);
    const dy = tf.tensor1d([1e-8, 1e-3, 1e5]); // below float16's smallest subnormal, ordinary, past its max
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(castToCompute(t, p), dy)))(x);
    expect(Array.from(g.dataSync())).to.deep.equal([0, roundValue(1e-3, 'float16'), Infinity]);
    expect(castToCompute(x, p).dataSync()[0]).to.equal(roundValue(0.1, 'float16'));
    tf.dispose([x, dy, g]);
  });

  it('scale per tensor under the FP8 policy, so values far outside e4m3 range survive', () => {
    const x = tf.tensor1d([1e-6, 3e-6, -2e-6]); // all below e4m3's smallest subnormal, 2^-9
    const y = castToCompute(x, policy('mixed_float8')).dataSync();
    Array.from(y).forEach((v, i) => expect(Math.abs(v / x.dataSync()[i]! - 1)).to.be.below(1 / 8));
    x.dispose();
  });
});

describe('MixedDense', () => {
  it('under the float32 policy equals tf.layers.dense with the same weights, gradients included', () => {
    const mixed = new MixedDense({ units: 3, activation: 'relu', seed: 5 });
    const plain = tf.layers.dense({ units: 3, activation: 'relu' });
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 1);
    mixed.apply(x);
    plain.apply(x);
    plain.setWeights(mixed.getWeights());
    const f = (layer: tf.layers.Layer) => (t: tf.Tensor) => tf.sum(tf.square(layer.apply(t) as tf.Tensor));
    expect(Array.from((mixed.apply(x) as tf.Tensor).dataSync())).to.deep.equal(
      Array.from((plain.apply(x) as tf.Tensor).dataSync()),
    );
    const [gm, gp] = [tf.grad(f(mixed))(x), tf.grad(f(plain))(x)];
    Array.from(gm.dataSync()).forEach((v, i) => expect(v).to.be.closeTo(gp.dataSync()[i]!, 1e-5));
  });

  it('under mixed_bfloat16 outputs bfloat16 values', () => {
    const layer = new MixedDense({ units: 5, policy: 'mixed_bfloat16', seed: 7 });
    const y = (layer.apply(tf.randomNormal([3, 4], 0, 1, 'float32', 2)) as tf.Tensor).dataSync();
    Array.from(y).forEach((v) => expect(roundValue(v, 'bfloat16')).to.equal(v));
  });
});

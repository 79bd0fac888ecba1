import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  adamStepsInFormat,
  emaInFormat,
  logitGradients,
  lostUpdateFraction,
  OptionError,
  roundValue,
  trainMnist,
  useBackend,
} from '../../../src/course/index';
import { makeOptimizer } from '../../../src/course/experiments/optimizers';

describe('optimizer arithmetic in a format', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it("adamStepsInFormat in float32 moves a weight exactly as tfjs' Adam does", () => {
    const grads = [3e-3, -1e-4, 2e-2, 0, 5e-7];
    const w = tf.variable(tf.scalar(0.5), true, 'adam_in_format');
    const adam = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    const steps = adamStepsInFormat(grads, { format: 'float32', epsilon: 1e-8 });
    for (const [i, g] of grads.entries()) {
      const before = w.dataSync()[0]!;
      const grad = tf.scalar(g);
      adam.applyGradients([{ name: 'adam_in_format', tensor: grad }]);
      grad.dispose();
      // tfjs's last two operations: step · (−lr), then + w, each rounded to float32
      expect(w.dataSync()[0]).to.equal(Math.fround(Math.fround(steps[i]! * Math.fround(-1e-3)) + before));
    }
    adam.dispose();
    w.dispose();
  });

  it("gives inf and NaN in float16 with torch's ε, which rounds to 0 there", () => {
    expect(roundValue(1e-8, 'float16')).to.equal(0);
    const [small, zero] = [1e-4, 0].map((g) => adamStepsInFormat([g], { format: 'float16', epsilon: 1e-8 })[0]);
    expect(small).to.equal(Infinity);
    expect(zero).to.be.NaN;
    expect(adamStepsInFormat([1e-4], { format: 'float32', epsilon: 1e-8 })[0]).to.be.closeTo(1, 2e-4);
  });

  it('emaInFormat in float32 is the float32 recurrence, and a bfloat16 state under round-to-nearest never falls', () => {
    const xs = [4, 1, 0, 0, 2];
    let y = 0;
    const ref = xs.map((x) => (y = Math.fround(Math.fround(y * Math.fround(0.9)) + Math.fround(x * Math.fround(0.1)))));
    expect(emaInFormat(xs, { beta: 0.9, format: 'float32' })).to.deep.equal(ref);
    const falling = emaInFormat([...new Array<number>(3000).fill(1), ...new Array<number>(3000).fill(0)], {
      beta: 0.999,
      format: 'bfloat16',
    });
    expect(falling[5999]).to.equal(falling[2999]);
    const stochastic = emaInFormat(
      new Array<number>(3000).fill(0).map((_, i) => (i < 1 ? 1000 : 0)),
      {
        beta: 0.999,
        format: 'bfloat16',
        rounding: 'stochastic',
      },
    );
    expect(stochastic[2999]).to.be.within(0.02, 0.08); // float32: 1000·0.001·0.999^2999 ≈ 0.05
    expect(() => emaInFormat([1], { beta: 1, format: 'float32' })).to.throw(OptionError, /beta/);
  });

  it('lostUpdateFraction counts the non-zero updates that leave a stored weight unchanged, ties to even', () => {
    // bfloat16 at 1: half an ulp is 2^-8 above and 2^-9 below (the binade below is finer)
    expect(lostUpdateFraction([1, 1, 1, 1], [2 ** -8, 2 ** -8 * 1.01, -(2 ** -9), 0], 'bfloat16')).to.equal(2 / 3);
    expect(lostUpdateFraction([1 + 2 ** -7], [2 ** -8], 'bfloat16')).to.equal(0); // a tie from an odd weight moves
    expect(lostUpdateFraction([1], [0], 'bfloat16')).to.equal(0);
    expect(() => lostUpdateFraction([1, 2], [1], 'bfloat16')).to.throw(OptionError, /same length/);
  });

  it('logitGradients are (softmax − onehot)/N: each row sums to 0 and the label entry is negative', async () => {
    const [vocab, tokens, rows] = [50, 8, 4];
    const g = await logitGradients({ vocab, tokens, rows, seed: 3 });
    expect(g.length).to.equal(vocab * rows);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(g.subarray(r * vocab, (r + 1) * vocab));
      expect(row.reduce((s, v) => s + v, 0)).to.be.closeTo(0, 1e-7);
      expect(row.filter((v) => v < 0)).to.have.length(1);
      expect(Math.min(...row)).to.be.above(-1 / tokens);
    }
    // the default seed too gives the same gradients every call (tfjs leaves a seed of 0 unseeded)
    const [a, b] = [await logitGradients({ vocab, tokens, rows }), await logitGradients({ vocab, tokens, rows })];
    expect(Array.from(a)).to.deep.equal(Array.from(b));
    let error: unknown;
    await logitGradients({ vocab: 0, tokens }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(OptionError);
  });

  it('makeOptimizer takes Adam with its ε or SGD, and rejects an ε without Adam', () => {
    expect(makeOptimizer({}, 1e-3).getClassName()).to.equal('Adam');
    expect(makeOptimizer({ optimizer: 'sgd' }, 0.1).getClassName()).to.equal('SGD');
    expect(() => makeOptimizer({ optimizer: 'sgd', epsilon: 1e-8 }, 0.1)).to.throw(OptionError, /epsilon/);
    expect(() => makeOptimizer({ optimizer: 'rmsprop' as never }, 0.1)).to.throw(OptionError, /adam.*sgd/);
  });
});

describe('trainMnist with SGD, Adam ε and 16-bit weight updates', function () {
  this.timeout(120_000);
  const quick = { epochs: 1, trainLimit: 2048 } as const;
  before(async () => {
    await useBackend('wasm');
  });

  it('SGD with the loss × 2^-16 and the learning rate × 2^16 is the same float32 run, bit for bit', async () => {
    const a = await trainMnist({ ...quick, optimizer: 'sgd', learningRate: 0.1 });
    const b = await trainMnist({ ...quick, optimizer: 'sgd', learningRate: 0.1 * 2 ** 16, lossMultiplier: 2 ** -16 });
    expect([b.testAccuracy, b.epochs[0]!.loss]).to.deep.equal([a.testAccuracy, a.epochs[0]!.loss]);
  });

  it('Adam with the loss × 2^-16 trains differently in float32, and ε × 2^-16 makes it the same run again', async () => {
    const a = await trainMnist(quick);
    const b = await trainMnist({ ...quick, lossMultiplier: 2 ** -16 });
    const c = await trainMnist({ ...quick, lossMultiplier: 2 ** -16, epsilon: 1e-7 * 2 ** -16 });
    expect(b.epochs[0]!.loss).to.not.equal(a.epochs[0]!.loss);
    expect([c.testAccuracy, c.epochs[0]!.loss]).to.deep.equal([a.testAccuracy, a.epochs[0]!.loss]);
  });

  it('pure bfloat16 weights at a small learning rate: Kahan learns where round-to-nearest stalls', async () => {
    const run = (weightUpdate: 'nearest' | 'kahan') =>
      trainMnist({ ...quick, trainLimit: 4096, policy: 'bfloat16', learningRate: 1e-4, weightUpdate });
    const [nearest, kahan] = [await run('nearest'), await run('kahan')];
    expect(kahan.epochs[0]!.loss).to.be.below(nearest.epochs[0]!.loss);
    let error: unknown;
    await trainMnist({ ...quick, policy: 'mixed_bfloat16', weightUpdate: 'kahan' }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(OptionError);
  });
});

import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  DisabledLossScaler,
  fakeCast,
  LossScaleOptimizer,
  OptionError,
  roundValue,
  sumInFormat,
  useBackend,
} from '../../../src/mp';
import { WeightWriter } from '../../../src/mp/amp/weight_update';

/** Runs `updates` through a writer on one variable: before, w += Δ in float32, after. Returns the weights. */
function write(rule: 'nearest' | 'stochastic' | 'kahan', start: number[], updates: number[][], seed = 1): number[] {
  const v = tf.tidy(() => tf.variable(tf.tensor1d(start.map((x) => roundValue(x, 'bfloat16')))));
  const writer = new WeightWriter('bfloat16', rule, seed);
  for (const u of updates) {
    writer.before([v]);
    tf.tidy(() => v.assign(tf.add(v, tf.tensor1d(u))));
    writer.after([v]);
  }
  const out = Array.from(v.dataSync());
  writer.dispose();
  v.dispose();
  return out;
}

describe('WeightWriter: 16-bit weights under round-to-nearest, stochastic rounding and Kahan summation', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('nearest is the plain cast: the stored weight equals fakeCast of the float32 result', () => {
    const start = [1, 0.3, -2.5];
    const updates = [[1e-3, 2e-3, -0.05]];
    const expected = Array.from(
      fakeCast(
        tf.add(tf.tensor1d(start.map((x) => roundValue(x, 'bfloat16'))), tf.tensor1d(updates[0]!)),
        'bfloat16',
      ).dataSync(),
    );
    expect(write('nearest', start, updates)).to.deep.equal(expected);
  });

  it('nearest loses every update below half an ulp; Kahan keeps them, as Kahan summation of the same terms does', () => {
    const step = 2 ** -10; // half an ulp of 1 in bfloat16 is 2^-8: each step alone is lost
    const updates = Array.from({ length: 512 }, () => [step]);
    expect(write('nearest', [1], updates)).to.deep.equal([1]);
    const kahan = write('kahan', [1], updates)[0]!;
    expect(kahan).to.equal(sumInFormat([1, ...updates.map((u) => u[0]!)], 'bfloat16', { method: 'kahan' }));
    expect(kahan).to.equal(1.5); // 1 + 512·2^-10, exact in bfloat16
  });

  it('stochastic rounding is right on average and repeats exactly for the same seed', () => {
    // 1024 weights of 1, each moved 200 times by 2^-10, an eighth of an ulp (2^-7): nearest would keep 1
    const [n, steps, step] = [1024, 200, 2 ** -10];
    const updates = Array.from({ length: steps }, () => new Array<number>(n).fill(step));
    const a = write('stochastic', new Array<number>(n).fill(1), updates, 7);
    expect(write('stochastic', new Array<number>(n).fill(1), updates, 7)).to.deep.equal(a);
    expect(a.every((x) => roundValue(x, 'bfloat16') === x)).to.equal(true);
    const mean = a.reduce((s, x) => s + x, 0) / n;
    // each step rounds up with probability 1/8: variance (1/8)(7/8)·ulp² per step and weight
    const sd = Math.sqrt((steps * (1 / 8) * (7 / 8) * 2 ** -14) / n);
    expect(Math.abs(mean - (1 + steps * step))).to.be.below(4 * sd);
  });

  it('a skipped step leaves the weights and the compensation as they were', () => {
    const v = tf.variable(tf.tensor1d([1]));
    const writer = new WeightWriter('bfloat16', 'kahan');
    const step = (delta: number, skip: boolean) => {
      writer.before([v]);
      tf.tidy(() => v.assign(tf.add(v, tf.scalar(delta))));
      const flag = tf.scalar(skip, 'bool');
      writer.after([v], flag);
      flag.dispose();
    };
    step(2 ** -10, false);
    const [w, c] = [v.dataSync()[0], writer.compensationOf(v.name)!.dataSync()[0]];
    step(0.25, true);
    expect([v.dataSync()[0], writer.compensationOf(v.name)!.dataSync()[0]]).to.deep.equal([w, c]);
    writer.dispose();
    v.dispose();
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    write(
      'kahan',
      [1, 2],
      [
        [1e-3, 1e-3],
        [1e-3, 1e-3],
      ],
    );
    write('stochastic', [1, 2], [[1e-3, 1e-3]]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('rejects an unknown rule, and a 16-bit rule for float32 variables, naming the valid ones', () => {
    expect(() => new WeightWriter('bfloat16', 'round-up' as never)).to.throw(OptionError, /nearest.*stochastic.*kahan/);
    expect(
      () => new LossScaleOptimizer(tf.train.sgd(1), new DisabledLossScaler(), 'float32', { weightUpdate: 'kahan' }),
    ).to.throw(OptionError, /float32/);
    expect(
      () => new LossScaleOptimizer(tf.train.sgd(1), new DisabledLossScaler(), 'bfloat16', { rule: 'kahan' } as never),
    ).to.throw(OptionError, /weightUpdate/);
  });

  it('LossScaleOptimizer keeps bfloat16 weights moving under Kahan where round-to-nearest stalls', () => {
    const run = (weightUpdate: 'nearest' | 'kahan'): number => {
      const w = tf.variable(tf.scalar(1), true, `wu_${weightUpdate}`);
      const opt = new LossScaleOptimizer(tf.train.sgd(2 ** -10), new DisabledLossScaler(), 'bfloat16', {
        weightUpdate,
      });
      for (let i = 0; i < 64; i++) opt.minimize(() => tf.neg(w) as tf.Scalar); // gradient −1: w += 2^-10
      const out = w.dataSync()[0]!;
      opt.dispose();
      w.dispose();
      return out;
    };
    expect(run('nearest')).to.equal(1);
    expect(run('kahan')).to.equal(1 + 64 * 2 ** -10);
  });
});

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { reduceAll } from '../../../src/mp/ops/reduce';

describe('reduceAll: whole-tensor reductions in two stages', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('gives tf.max, tf.min and tf.all exactly, and tf.sum and tf.mean to float32 rounding', () => {
    for (const shape of [[4096, 64], [3, 5, 4096], [65537], [1000]]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
      const same = (a: tf.Tensor, b: tf.Tensor): number => Math.abs(a.dataSync()[0]! - b.dataSync()[0]!);
      expect(same(reduceAll(x, 'max'), tf.max(x))).to.equal(0);
      expect(same(reduceAll(x, 'min'), tf.min(x))).to.equal(0);
      expect(same(reduceAll(x, 'sum'), tf.sum(x))).to.be.below(1e-6 * x.size);
      expect(same(reduceAll(x, 'mean'), tf.mean(x))).to.be.below(1e-6);
      const finite = tf.isFinite(x);
      expect(reduceAll(finite, 'all').dataSync()[0]).to.equal(1);
      const withNaN = tf.concat([x.reshape([-1]), tf.tensor1d([NaN])]);
      expect(reduceAll(tf.isFinite(withNaN), 'all').dataSync()[0]).to.equal(0);
    }
  });

  it('reduces large tensors over rows first (two reductions), small ones in one', () => {
    const count = (x: tf.Tensor): number => {
      let kernels = 0;
      const spy = tf.engine().runKernel.bind(tf.engine());
      const engine = tf.engine() as unknown as { runKernel: typeof spy };
      engine.runKernel = ((...args: Parameters<typeof spy>) => {
        if (args[0] === 'Max') kernels++;
        return spy(...args);
      }) as typeof spy;
      try {
        reduceAll(x, 'max');
      } finally {
        engine.runKernel = spy;
      }
      return kernels;
    };
    expect(count(tf.zeros([4096, 4096]))).to.equal(2);
    expect(count(tf.zeros([100, 10]))).to.equal(1);
  });

  it("gives a sum's and a mean's gradient as tfjs does, without building ones(x.shape) on the CPU", () => {
    const x = tf.randomNormal([300, 500], 0, 1, 'float32', 3);
    for (const op of ['sum', 'mean'] as const) {
      const ours = tf.grad((t: tf.Tensor) => tf.mul(reduceAll(tf.square(t), op), 3))(x);
      const theirs = tf.grad((t: tf.Tensor) => tf.mul(op === 'sum' ? tf.sum(tf.square(t)) : tf.mean(tf.square(t)), 3))(
        x,
      );
      expect(tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0], op).to.be.below(1e-12);
    }
    // tensors of x's size made from host values while the gradient runs (tfjs's own: ones(x.shape))
    const hostTensors = (f: (t: tf.Tensor) => tf.Scalar): number => {
      const engine = tf.engine() as unknown as { makeTensor: (...a: unknown[]) => tf.Tensor };
      const make = engine.makeTensor.bind(engine);
      let count = 0;
      engine.makeTensor = (...a: unknown[]) => {
        const t = make(...a);
        if (t.size === x.size) count++;
        return t;
      };
      try {
        tf.grad(f)(x);
      } finally {
        engine.makeTensor = make;
      }
      return count;
    };
    expect(hostTensors((t) => tf.mean(t))).to.be.greaterThan(0); // the control
    expect(hostTensors((t) => reduceAll(t, 'mean'))).to.equal(0);
  });
});

import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { AUTOCAST_OPS, matMul, MixedDense, roundArray, useBackend } from '../../../src/mp';
import type { AutocastEntry } from '../../../src/mp/amp/autocast';
import { KERNELS } from '../../../src/mp/ops/kernel_names';

/** Runs `body` with AUTOCAST_OPS[op] replaced by `entry`, then puts the table back. */
function withEntry<T>(op: string, entry: AutocastEntry, body: () => T): T {
  const table = AUTOCAST_OPS as Record<string, AutocastEntry>;
  const saved = table[op]!;
  table[op] = entry;
  try {
    return body();
  } finally {
    table[op] = saved;
  }
}

/** body's result, and how many times `kernelName` ran on the current backend meanwhile. */
function counting<T>(kernelName: string, body: () => T): [T, number] {
  const config = tf.getKernel(kernelName, tf.getBackend())!;
  let n = 0;
  tf.unregisterKernel(kernelName, config.backendName);
  tf.registerKernel({ ...config, kernelFunc: (args) => (n++, config.kernelFunc(args)) });
  try {
    return [body(), n];
  } finally {
    tf.unregisterKernel(kernelName, config.backendName);
    tf.registerKernel(config);
  }
}

const float32Rule: AutocastEntry = { rule: 'float32', torch: 'fp32', why: 'edited by a test' };
const computeRule: AutocastEntry = { rule: 'compute', torch: 'lower_precision_fp', why: 'edited by a test' };
const f16 = (t: tf.Tensor): number[] => Array.from(roundArray(t.dataSync() as Float32Array, 'float16'));
const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('the autocast table decides the casts', () => {
  let x: tf.Tensor2D;
  before(async () => {
    await useBackend('wasm');
    x = tf.tensor2d([0.1, -0.37, 2.71828, 1 / 3, 7.7, 0.005, -1.25, 3.14159], [2, 4]);
  });

  it('MixedDense computes its dense op in float16 under mixed_float16, and in float32 once the entry says float32, in its one kernel', () => {
    const layer = new MixedDense({ units: 3, policy: 'mixed_float16', inputShape: [4], seed: 0 });
    const run = (): number[] => tf.tidy(() => values(layer.apply(x) as tf.Tensor));
    run();
    // on wasm, the fused dense kernel (ops/dense_fused.ts) runs it
    const [asShipped, fusedShipped] = counting(KERNELS.denseFused, run);
    const [edited, fusedEdited] = withEntry('dense', float32Rule, () => counting(KERNELS.denseFused, run));
    expect([fusedShipped, fusedEdited], 'the fused dense kernel runs, and reads the table').to.deep.equal([1, 1]);
    const [kernel, bias] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
    const rounded = (t: tf.Tensor): tf.Tensor => tf.tensor(f16(t), t.shape);
    tf.tidy(() => {
      expect(asShipped).to.deep.equal(
        f16(tf.add(tf.matMul(rounded(x) as tf.Tensor2D, rounded(kernel) as tf.Tensor2D), rounded(bias))),
      );
      expect(edited).to.deep.equal(values(tf.add(tf.matMul(x, kernel), bias)));
    });
    expect(edited).not.to.deep.equal(asShipped);
  });

  it("MixedDense's activation follows its own entry: softmax leaves float32 once the entry says compute", () => {
    const layer = new MixedDense({ units: 3, activation: 'softmax', policy: 'mixed_float16', inputShape: [4] });
    const run = (): number[] => tf.tidy(() => values(layer.apply(x) as tf.Tensor));
    const asShipped = run();
    const edited = withEntry('softmax', computeRule, run);
    expect(edited).to.deep.equal(f16(tf.tensor(asShipped)));
    expect(edited).not.to.deep.equal(asShipped);
  });

  it("matMul casts per the 'matmul' entry", () => {
    const w = tf.tensor2d([0.3, -1.1, 0.77, 2.5, 0.01, -0.6, 1.9, 0.45], [4, 2]);
    const run = (): number[] => tf.tidy(() => values(matMul(x, w, 'mixed_float16')));
    tf.tidy(() => {
      const rounded = (t: tf.Tensor2D): tf.Tensor2D => tf.tensor2d(f16(t), t.shape);
      expect(run()).to.deep.equal(f16(tf.matMul(rounded(x), rounded(w))));
      expect(withEntry('matmul', float32Rule, run)).to.deep.equal(values(tf.matMul(x, w)));
    });
    w.dispose();
  });
});

import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { autocast, matMul, policy, useBackend, type Policy } from '../../../src/mp';
import { denseWithCasts, fusedDenseActivation, fusedDenseUnder } from '../../../src/mp/amp/dense';
import { castsUnder } from '../../../src/mp/amp/cast';
import { KERNELS } from '../../../src/mp/ops/kernel_names';
import { wasmFused } from '../../../src/mp/ops/wasm_fused';
import { bitsOf } from '../../helpers';

type Dense = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** The op-by-op path (MpDense under a casting policy, else MpMatMul and tf.add), then tf.relu where asked. */
const opByOp =
  (p: Policy, relu: boolean): Dense =>
  (x, w, b) => {
    const [x2, w2, b1] = [x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D];
    const y = castsUnder(p)
      ? denseWithCasts(x2, w2, b1, p)
      : autocast('dense', p, [x, w, b], (xc, wc, bc) => tf.add(matMul(xc as tf.Tensor2D, wc as tf.Tensor2D), bc));
    return relu ? tf.relu(y) : y;
  };

const fused =
  (p: Policy, relu: boolean): Dense =>
  (x, w, b) =>
    fusedDenseUnder(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, p, relu ? 'relu' : 'linear');

/**
 * Every bit, but a NaN's sign and payload: where two NaNs meet in a sum or product, WebAssembly leaves which one
 * comes out to the engine, so XNNPACK's compiled kernel and amp.wat's may differ there (which entries are NaN
 * may not).
 */
const bits = (t: tf.Tensor): number[] =>
  [...bitsOf(t.dataSync() as Float32Array)].map((u) => ((u & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : u));

/** y and the three gradients (of Σ y·weights) of a dense path. */
function run(f: Dense, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, weights: tf.Tensor): number[][] {
  return tf.tidy(() => {
    const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, ww, bb), weights)));
    return [f(x, w, b), ...grads([x, w, b])].map(bits);
  });
}

describe('the fused dense kernels on wasm', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('apply on wasm to every policy without per-tensor scaling, ReLU folded in', () => {
    expect(wasmFused(KERNELS.denseFused)).to.equal(true);
    expect(fusedDenseActivation(policy('float32'), 'relu')).to.equal('relu');
    expect(fusedDenseActivation(policy('mixed_float16'), 'softmax')).to.equal('linear');
    expect(fusedDenseActivation(policy('mixed_float8'), 'relu')).to.equal(undefined);
  });

  for (const name of ['float32', 'mixed_float16', 'mixed_bfloat16', 'float16', 'bfloat16']) {
    for (const relu of [false, true]) {
      it(`give the op-by-op values and gradients bit for bit under ${name}${relu ? ', with ReLU' : ''}`, () => {
        const p = policy(name);
        // 10 outputs (not a multiple of the 4 SIMD lanes) and 12; values across float16's range, and a loss
        // whose gradients reach its subnormals
        for (const [rows, inner, cols] of [
          [9, 13, 10],
          [16, 20, 12],
        ] as const) {
          const x = tf.randomNormal([rows, inner], 0, 30, 'float32', 1);
          const w = tf.randomNormal([inner, cols], 0, 0.3, 'float32', 2);
          const b = tf.randomNormal([cols], 0, 1, 'float32', 3);
          const weights = tf.randomNormal([rows, cols], 0, 1e-4, 'float32', 4);
          const [got, want] = [run(fused(p, relu), x, w, b, weights), run(opByOp(p, relu), x, w, b, weights)];
          ['y', 'dx', 'dW', 'db'].forEach((label, i) =>
            expect(got[i], `${label} [${rows}, ${cols}]`).to.deep.equal(want[i]),
          );
          tf.dispose([x, w, b, weights]);
        }
      });
    }
  }

  it('keep the op-by-op bits through inf, NaN, −0 and an overflowing product, ReLU′s NaN gradients included', () => {
    for (const name of ['float32', 'mixed_float16']) {
      const p = policy(name);
      // row 0: inf − inf in the product, a NaN with its sign bit, which ReLU clears and whose gradient is NaN;
      // row 1: an inf input; row 2: products past float16's range; row 3: −0s
      const x = tf.tensor2d([
        [1e30, 1e30, 0, 1],
        [Infinity, 1, 2, 3],
        [300, 300, 300, 300],
        [-0, -0, -0, -0],
        [NaN, 1, -1, 0.5],
      ]);
      const w = tf.tensor2d([
        [1e30, 1, -2, 0.5, 3],
        [-1e30, -1, 0.25, 1, -3],
        [1, 2, 3, 4, 5],
        [-1, -2, -3, -4, -5],
      ]);
      const b = tf.tensor1d([0, -0, 1, -1, 0.5]);
      const weights = tf.tensor2d(
        [1, -1, 2, -2, 1e-3, -4, 0, 1, -0, 5, 1, 1, 1, 1, 1, -1, 2, -3, 4, -5, 7, 7, 7, 7, 7],
        [5, 5],
      );
      for (const relu of [false, true]) {
        const [got, want] = [run(fused(p, relu), x, w, b, weights), run(opByOp(p, relu), x, w, b, weights)];
        ['y', 'dx', 'dW', 'db'].forEach((label, i) =>
          expect(got[i], `${name} ${relu} ${label}`).to.deep.equal(want[i]),
        );
      }
      tf.dispose([x, w, b, weights]);
    }
  });

  it('leave no tensor behind, and skip the input gradient where nobody asks for it', () => {
    const [x, w, b] = [tf.ones([4, 8]), tf.variable(tf.ones([8, 4])), tf.variable(tf.zeros([4]))];
    const before = [tf.memory().numTensors, tf.backend().numDataIds()];
    const { value, grads } = tf.variableGrads(
      () => tf.sum(fused(policy('mixed_float16'), true)(x, w, b)) as tf.Scalar,
      [w, b],
    );
    expect(Object.keys(grads)).to.have.length(2);
    tf.dispose([value, ...Object.values(grads)]);
    expect([tf.memory().numTensors, tf.backend().numDataIds()], 'tensors, and data on the heap').to.deep.equal(before);
    tf.dispose([x, w, b]);
  });

  it('keep a cast input from the forward kernel to the backward one, and at most 8 whose backward never runs', () => {
    const p = policy('mixed_float16');
    const [x, w, b] = [tf.randomNormal([4, 8]), tf.variable(tf.randomNormal([8, 4])), tf.variable(tf.zeros([4]))];
    const buffers = (): number => tf.backend().numDataIds(); // the heap's, kernels' scratch included
    const before = buffers();
    tf.tidy(() => {
      tf.dispose(Object.values(tf.variableGrads(() => tf.sum(fused(p, true)(x, w, b)) as tf.Scalar, [w, b]).grads));
    });
    expect(buffers(), 'after a step: nothing kept').to.equal(before);
    // taped forward calls whose outputs the loss does not use: their backward never runs (the last test here:
    // it leaves the kept copies behind)
    const abandoned = (): void =>
      tf.tidy(() => void tf.grad((v: tf.Tensor) => (fused(p, true)(x, w, b), tf.sum(v)))(x));
    abandoned();
    expect(buffers() - before, 'one cast input kept').to.equal(1);
    for (let i = 0; i < 20; i++) abandoned();
    expect(buffers() - before, 'cast inputs kept').to.equal(8);
    tf.dispose([x, w, b]);
  });
});

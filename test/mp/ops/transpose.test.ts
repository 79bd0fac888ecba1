import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { useBackend } from '../../../src/mp';
import { transpose2d } from '../../../src/mp/ops/transpose';
import { bitsOf } from '../../helpers';

/** Values with every kind of bits in them: NaN payloads, ±0, ±inf, subnormals, and ordinary numbers. */
function matrix(rows: number, cols: number): tf.Tensor2D {
  const bits = Uint32Array.from({ length: rows * cols }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 0) ^ i);
  bits.set([0x7fc00001, 0x80000000, 0x7f800000, 0xff800000, 0x00000001].slice(0, bits.length));
  return tf.tensor2d(new Float32Array(bits.buffer), [rows, cols]);
}

describe('transpose2d (the backward pass’s transposes)', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('moves every bit as tf.transpose does on wasm, at every shape around the 4×4 blocks', async () => {
    await useBackend('wasm');
    for (const [rows, cols] of [
      [1, 1],
      [1, 7],
      [3, 5],
      [4, 4],
      [5, 4],
      [4, 5],
      [7, 10],
      [64, 10],
      [128, 784],
    ]) {
      const x = matrix(rows!, cols!);
      const [got, want] = [transpose2d(x), tf.transpose(x)];
      expect(got.shape).to.deep.equal([cols, rows]);
      expect([...bitsOf(got.dataSync() as Float32Array)], `${rows}×${cols}`).to.deep.equal([
        ...bitsOf(want.dataSync() as Float32Array),
      ]);
      tf.dispose([x, got, want]);
    }
  });

  it('is tf.transpose on cpu', async () => {
    await useBackend('cpu');
    const x = tf.range(0, 35).reshape([5, 7]);
    const got = transpose2d(x);
    expect(got.arraySync()).to.deep.equal(tf.transpose(x).arraySync());
    tf.dispose([x, got]);
  });

  it('has the transpose as its gradient', async () => {
    await useBackend('wasm');
    const x = matrix(6, 9).div(1e30).clipByValue(-1, 1) as tf.Tensor2D;
    const w = tf.randomNormal([6, 3], 0, 1, 'float32', 1);
    const loss = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.matMul(f(t) as tf.Tensor2D, w));
    const [got, want] = [tf.grad(loss(transpose2d))(x), tf.grad(loss((t) => tf.transpose(t)))(x)];
    expect([...(got.dataSync() as Float32Array)]).to.deep.equal([...(want.dataSync() as Float32Array)]);
    tf.dispose([x, w, got, want]);
  });
});

import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { useBackend } from '../../../src/mp';
import { WasmHeap } from '../../../src/mp/ops/wasm_fused';
import { activeWasmBackend } from '../../../src/mp/tfjs_internals';
import { bitsOf } from '../../helpers';

/** The bits of a product, with every NaN as one (which NaN comes out where two meet is the engine's choice). */
const bits = (values: Float32Array): number[] =>
  [...bitsOf(values)].map((u) => ((u & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : u));

describe("the fused kernels' products on wasm", () => {
  let heap: WasmHeap;
  before(async () => {
    await useBackend('wasm');
    heap = new WasmHeap(activeWasmBackend());
  });

  /** heap.matMul's product of a and b (a transposed first where asked), read back and freed. */
  const product = (a: tf.Tensor, b: tf.Tensor, transposedA: boolean): Float32Array => {
    const out = heap.matMul(a, b, transposedA);
    const values = heap.f32(out).slice();
    heap.free(out);
    return values;
  };

  // the training step's shapes, and every edge of the 4×8 tiles: rows mod 4, columns mod 8 and mod 4, k of 1
  const SHAPES = [
    [128, 784, 64],
    [784, 128, 64],
    [128, 64, 10],
    [128, 10, 64],
    [7, 13, 11],
    [5, 3, 9],
    [1, 1, 1],
    [6, 1, 5],
  ] as const;

  it("sum each output's products in tfjs-wasm's order: BatchMatMul's bits, plain and with a transposed", () => {
    for (const [m, k, n] of SHAPES) {
      tf.tidy(() => {
        // products across 12 decades, so that any other order of the sum would round differently
        const a = tf.mul(tf.randomNormal([m, k], 0, 1, 'float32', m), tf.pow(10, tf.randomUniform([m, k], -6, 6)));
        const b = tf.randomNormal([k, n], 0, 1, 'float32', n);
        const want = bits(tf.matMul(a, b).dataSync() as Float32Array);
        expect(bits(product(a, b, false)), `[${m}, ${k}]·[${k}, ${n}]`).to.deep.equal(want);
        expect(bits(product(tf.transpose(a), b, true)), `[${k}, ${m}]ᵀ·[${k}, ${n}]`).to.deep.equal(want);
      });
    }
  });

  it("skip a's zeros without changing a bit: sparse rows (±0), as MNIST's pixels and ReLU's outputs are", () => {
    for (const [m, k, n] of SHAPES) {
      tf.tidy(() => {
        const values = tf.mul(tf.randomNormal([m, k], 0, 1, 'float32', k), tf.pow(10, tf.randomUniform([m, k], -6, 6)));
        // four in five zero, half of those −0; every row block of the sparse tiles' size and beyond
        const zero = tf.less(tf.randomUniform([m, k], 0, 1, 'float32', 3), 0.8);
        const a = tf.where(zero, tf.mul(tf.sign(values), 0), values);
        const b = tf.randomNormal([k, n], 0, 1, 'float32', n);
        const want = bits(tf.matMul(a, b).dataSync() as Float32Array);
        expect(bits(product(a, b, false)), `[${m}, ${k}]·[${k}, ${n}]`).to.deep.equal(want);
        expect(bits(product(tf.transpose(a), b, true)), `[${k}, ${m}]ᵀ·[${k}, ${n}]`).to.deep.equal(want);
      });
    }
  });

  it('give the same infinities, zeros and NaN entries as BatchMatMul', () => {
    const specials = [1, -1, 0, -0, Infinity, -Infinity, NaN, 2.5, 1e30, -3e-39];
    for (let t = 0; t < 200; t++) {
      const [m, k, n] = [1 + (t % 6), 1 + ((t * 7) % 6), 1 + ((t * 3) % 10)];
      const pick = (size: number, salt: number): number[] =>
        Array.from({ length: size }, (_, i) => specials[(i * 31 + t * salt + ((i * t) % 13)) % specials.length]!);
      tf.tidy(() => {
        const [a, b] = [tf.tensor2d(pick(m * k, 17), [m, k]), tf.tensor2d(pick(k * n, 5), [k, n])];
        expect(bits(product(a, b, false)), `case ${t}`).to.deep.equal(bits(tf.matMul(a, b).dataSync() as Float32Array));
      });
    }
  });
});

import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { buildMlp, forward, matMul, softmaxLoss, useBackend } from '../../../src/course/index';
import { gpuMatmulCompute } from '../../../src/mp/backend/webgpu/select_path';
import { ampKernels } from '../../../src/mp/formats/simd/amp_simd';
import { activeWasmBackend, wasmHeap } from '../../../src/mp/tfjs_internals';

/**
 * How many matrix products `f` runs: calls of the backend's BatchMatMul (which MpMatMul and, on the threaded
 * build, the fused dense kernels look up per call) and of amp.wat's gemm (the fused kernels' own, on wasm).
 */
function products(f: () => void): number {
  const backend = tf.getBackend();
  const original = tf.getKernel('BatchMatMul', backend)!;
  const simd = backend === 'wasm' ? ampKernels(wasmHeap(activeWasmBackend())) : null;
  const gemm = simd?.gemm;
  let n = 0;
  tf.unregisterKernel('BatchMatMul', backend);
  tf.registerKernel({ ...original, kernelFunc: (params) => (n++, original.kernelFunc(params)) });
  if (simd) simd.gemm = (...args) => (n++, gemm!(...args));
  try {
    f();
  } finally {
    tf.unregisterKernel('BatchMatMul', backend);
    tf.registerKernel(original);
    if (simd) simd.gemm = gemm!;
  }
  return n;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`matMul's product kernel on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });
    after(async () => {
      await useBackend('wasm');
    });

    it("gives tf.matMul's value and gradients", () => {
      const x = tf.randomNormal([6, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([5, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
      const dy = tf.randomNormal([6, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
      const values = (ts: tf.Tensor[]): number[][] => ts.map((t) => Array.from(t.dataSync()));
      const ours = tf.tidy(() => {
        const g = tf.grads((a, b) => matMul(a as tf.Tensor2D, b as tf.Tensor2D));
        return values([matMul(x, w), ...g([x, w], dy)]);
      });
      const reference = tf.tidy(() => {
        const g = tf.grads((a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
        return values([tf.matMul(x, w), ...g([x, w], dy)]);
      });
      expect(ours).to.deep.equal(reference);
      tf.dispose([x, w, dy]);
    });

    it("runs the product and both gradients' products in the policy's WebGPU matmul format", () => {
      // a spy in place of the backend's BatchMatMul: MpMatMul looks it up per call
      const original = tf.getKernel('BatchMatMul', backend)!;
      const seen: string[] = [];
      tf.unregisterKernel('BatchMatMul', backend);
      tf.registerKernel({
        ...original,
        kernelFunc: (params) => (seen.push(gpuMatmulCompute()), original.kernelFunc(params)),
      });
      try {
        for (const policy of ['mixed_float16', 'mixed_bfloat16', 'float32']) {
          seen.length = 0;
          tf.tidy(() => {
            const [x, w] = [tf.ones([2, 3]), tf.ones([3, 4])];
            tf.grads((a, b) => matMul(a as tf.Tensor2D, b as tf.Tensor2D, policy))([x, w]);
          });
          expect(seen, policy).to.deep.equal(Array(3).fill(policy === 'float32' ? 'float32' : policy.slice(6)));
        }
      } finally {
        tf.unregisterKernel('BatchMatMul', backend);
        tf.registerKernel(original);
      }
      expect(gpuMatmulCompute()).to.equal('float32');
    });

    it("skips the first layer's input gradient in a training step (and computes it when asked)", () => {
      const model = buildMlp('float32');
      const x = tf.variable(tf.randomUniform([8, 784], 0, 1, 'float32', 1), true, `mm_${backend}_x`);
      const y = tf.oneHot(tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8], 'int32'), 10).toFloat();
      const step = (withInput: boolean) => (): void => {
        const vars = [...model.trainableWeights.map((w) => w.read() as tf.Variable), ...(withInput ? [x] : [])];
        const { value, grads } = tf.variableGrads(() => softmaxLoss(y, forward(model, x)), vars);
        tf.dispose([value, ...Object.values(grads)]);
      };
      // two layers: 2 forward products, then dW for each and dx for the second only; the control adds dx₁
      expect(products(step(false))).to.equal(5);
      expect(products(step(true))).to.equal(6);
      tf.dispose([x, y]);
      model.dispose();
    });
  });
}

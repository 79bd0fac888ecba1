import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { buildMlp, forward, matMul, softmaxLoss, useBackend } from '../../../src/course/index';
import { KERNELS } from '../../../src/mp/ops/kernel_names';
import { gpuMatmulCompute } from '../../../src/mp/backend/webgpu/select_path';

/** How many MpMatMul kernels `f` runs (tf.profile lists every kernel, gradients included). */
async function products(f: () => void): Promise<number> {
  const { kernels } = await tf.profile(f);
  return kernels.filter((k) => k.name === KERNELS.matMul).length;
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

    it("skips the first layer's input gradient in a training step (and computes it when asked)", async () => {
      const model = buildMlp('float32');
      const x = tf.variable(tf.randomUniform([8, 784], 0, 1, 'float32', 1), true, `mm_${backend}_x`);
      const y = tf.oneHot(tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8], 'int32'), 10).toFloat();
      const step = (withInput: boolean) => (): void => {
        const vars = [...model.trainableWeights.map((w) => w.read() as tf.Variable), ...(withInput ? [x] : [])];
        const { value, grads } = tf.variableGrads(() => softmaxLoss(y, forward(model, x)), vars);
        tf.dispose([value, ...Object.values(grads)]);
      };
      // two layers: 2 forward products, then dW for each and dx for the second only; the control adds dx₁
      expect(await products(step(false))).to.equal(5);
      expect(await products(step(true))).to.equal(6);
      tf.dispose([x, y]);
      model.dispose();
    });
  });
}

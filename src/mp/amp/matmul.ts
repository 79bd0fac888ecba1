import * as tf from '@tensorflow/tfjs';
import { withGpuMatmulCompute } from '../backend/webgpu/select_path';
import { KERNELS, runAnywhere } from '../ops/kernel_names';
import { transpose2d } from '../ops/transpose';
import { autocast, autocastFormat } from './autocast';
import type { Policy } from './policy';
import { tfjsKernel } from '../tfjs_internals';

/**
 * a·b under a policy: autocast's `matmul` entry decides the casts (compute: low-precision inputs, float32
 * accumulation, the result stored in the compute format). The product is the kernel MpMatMul (the backend's
 * own BatchMatMul), whose gradient is tf.matMul's, computed with explicit transposes:
 *     d(a·b)/da = dy·bᵀ,  d(a·b)/db = aᵀ·dy.
 * tf.matMul's own gradient uses its transposeA/transposeB flags, which the wasm backend runs several times
 * slower than a transpose plus a plain product; the transposes are ops/transpose.ts's, a SIMD kernel on wasm.
 * Being a kernel gradient, each input's part runs only where that input needs a gradient (tfjs' tape prunes
 * the rest): the first layer's dy·wᵀ, which nobody reads, is never computed (tf.customGrad computes both).
 * On WebGPU the three products run the kernel of the op's format (backend/webgpu/select_path.ts): float16 on
 * the tensor cores, whose f16 inputs and f32 sums are what the casts around them emulate.
 *
 *     const y = matMul(x, w, 'mixed_bfloat16');   // x: [batch, in], w: [in, out]
 */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, policy: string | Policy = 'float32'): tf.Tensor2D {
  const format = autocastFormat('matmul', policy, ['float32', 'float32']).name;
  return autocast('matmul', policy, [a, b], (x, w) => product(x, w, format)) as tf.Tensor2D;
}

/** a·b as the kernel MpMatMul, its matmuls in `format` on WebGPU. */
export function product(a: tf.Tensor, b: tf.Tensor, format: string): tf.Tensor {
  return runAnywhere(KERNELS.matMul, batchMatMul, { a, b }, { format }) as tf.Tensor;
}

/** The backend's own BatchMatMul, looked up per call (WebGPU's is replaced after registration), in `format`. */
const batchMatMul =
  (backendName: string): tf.KernelFunc =>
  ({ inputs, backend, attrs }) =>
    withGpuMatmulCompute(attrs!.format as string, () =>
      tfjsKernel('BatchMatMul', backendName).kernelFunc({
        inputs,
        backend,
        attrs: { transposeA: false, transposeB: false },
      }),
    );

tf.registerGradient({
  kernelName: KERNELS.matMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b], attrs) => {
    const format = attrs.format as string;
    return {
      a: () => product(dy as tf.Tensor, transpose2d(b!), format),
      b: () => product(transpose2d(a!), dy as tf.Tensor, format),
    };
  },
});

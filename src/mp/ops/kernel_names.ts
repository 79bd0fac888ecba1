/**
 * The name of every tfjs kernel the library registers, declared here once. tfjs keeps one global table of
 * kernels by name and backend; the Mp prefix keeps these apart from tfjs' own.
 */
import * as tf from '@tensorflow/tfjs';

export const KERNELS = {
  /** x rounded to a format: ops/kernel.ts (cpu, wasm), backend/webgpu/quantize_kernel.ts (webgpu). */
  quantize: 'MpQuantize',
  /** A float32 matrix's transpose: ops/transpose.ts. */
  transpose: 'MpTranspose',
  /** a·b in a policy's compute format: amp/matmul.ts, on each backend at first use. */
  matMul: 'MpMatMul',
  /** autocast's casts around x·W + b as one tape node: amp/dense.ts, on each backend at first use. */
  dense: 'MpDense',
  /** The same with its activation, fused on wasm, and its two gradient kernels: ops/dense_fused.ts. */
  denseFused: 'MpFusedDense',
  denseFusedGrad: 'MpFusedDenseGrad',
  denseFusedGradInput: 'MpFusedDenseGradInput',
  /** tf.losses.softmaxCrossEntropy's mean loss, fused on wasm, and its gradient: ops/softmax_cross_entropy.ts. */
  softmaxCrossEntropy: 'MpSoftmaxCrossEntropy',
  softmaxCrossEntropyGrad: 'MpSoftmaxCrossEntropyGrad',
  /** Gradients divided by the loss scale, with the found-inf flag: amp/unscale.ts. */
  unscale: 'MpUnscale',
  /** Whether any input holds inf or NaN: amp/optimizer.ts. */
  nonFinite: 'MpNonFinite',
  /** A fused Adam step, masked by a skip flag: amp/fused_adam.ts. */
  adam: 'MpMaskedAdam',
  /** The accumulated betas after a masked Adam step: amp/fused_adam.ts. */
  adamBetas: 'MpMaskedAdamBetas',
  /** The dynamic loss scaler's update and counts: amp/scaler_kernel.ts. */
  scalerUpdate: 'MpDynamicScalerUpdate',
} as const;

/**
 * Runs kernel `name` on the current backend, registering it there at its first use: for a kernel built from
 * other kernels, which runs on any backend (tfjs registers kernels per backend).
 *
 *     runAnywhere(KERNELS.matMul, batchMatMul, { a, b }, { format: 'float16' })   // amp/matmul.ts
 */
export function runAnywhere(
  name: string,
  kernelFunc: (backendName: string) => tf.KernelFunc,
  inputs: tf.NamedTensorMap,
  attrs: object = {},
): tf.Tensor | tf.Tensor[] {
  const backendName = tf.getBackend();
  if (!tf.getKernel(name, backendName))
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: kernelFunc(backendName) });
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
}

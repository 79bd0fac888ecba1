/**
 * A matrix's transpose, for the backward pass's products (amp/matmul.ts): on wasm amp.wat's SIMD kernel, 4×4
 * blocks a turn, since tfjs-wasm's Transpose moves one element at a time, a large share of a small model's
 * training step; on cpu the same kernel's JavaScript. Elsewhere, and for other ranks and dtypes, tf.transpose.
 *
 *     transpose2d(tf.tensor2d([[1, 2, 3]]))   // [[1], [2], [3]]
 */
import * as tf from '@tensorflow/tfjs';
import type { AmpKernels } from '../formats/simd/amp_simd';
import { registerCpuWasmKernel } from './cpu_wasm';
import { KERNELS } from './kernel_names';

/** dst = srcᵀ for rows and cols from the given starts on: the block the SIMD kernel leaves (all of it without). */
function transposeFrom(src: Float32Array, dst: Float32Array, rows: number, cols: number, row0: number, col0: number) {
  for (let i = 0; i < rows; i++) {
    for (let j = i < row0 ? col0 : 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j]!;
  }
}

/**
 * dst = srcᵀ for the [rows, cols] matrix src: amp.wat's kernel where `simd` is given (src and dst on its heap),
 * JavaScript for the rest.
 */
export function transposeInto(
  src: Float32Array,
  dst: Float32Array,
  rows: number,
  cols: number,
  simd: AmpKernels | null,
) {
  simd?.transpose(src.byteOffset, dst.byteOffset, rows, cols);
  const lanes = (n: number): number => (simd ? n & ~3 : 0);
  transposeFrom(src, dst, rows, cols, lanes(rows), lanes(cols));
}

registerCpuWasmKernel<object>({
  name: KERNELS.transpose,
  outputs: (info) => [{ shape: [...info('x').shape].reverse(), dtype: 'float32' }],
  run: ({ values, output, shape, simd }) => {
    const [rows, cols] = shape('x') as [number, number];
    transposeInto(values('x'), output(0), rows, cols, simd);
  },
});

tf.registerGradient({
  kernelName: KERNELS.transpose,
  gradFunc: (dy) => ({ x: () => transpose2d(dy as tf.Tensor) }),
});

/** xᵀ: the kernel for a float32 matrix where it is registered (cpu, wasm), else tf.transpose. */
export function transpose2d(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 2 || x.dtype !== 'float32' || !tf.getKernel(KERNELS.transpose, tf.getBackend()))
    return tf.transpose(x);
  return tf.engine().runKernel(KERNELS.transpose, { x }) as tf.Tensor;
}

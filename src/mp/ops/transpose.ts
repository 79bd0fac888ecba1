/**
 * A matrix's transpose, for the backward pass's products (amp/matmul.ts): on wasm amp.wat's SIMD kernel, 4×4
 * blocks a turn, since tfjs-wasm's Transpose takes ~3 ns an element (320 µs for the seed MLP's 128×784 batch,
 * an eighth of a training step). Elsewhere, and for other ranks and dtypes, tf.transpose.
 */
import * as tf from '@tensorflow/tfjs';
import { ampKernels } from '../formats/simd/amp_simd';
import { wasmHeap, type WasmBackend } from '../tfjs_internals';

export const TRANSPOSE_KERNEL = 'MpTranspose';

/** dst = srcᵀ for rows and cols from the given starts on: the block the SIMD kernel leaves (all of it without). */
function transposeFrom(src: Float32Array, dst: Float32Array, rows: number, cols: number, row0: number, col0: number) {
  for (let i = 0; i < rows; i++) {
    for (let j = i < row0 ? col0 : 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j]!;
  }
}

tf.registerKernel({
  kernelName: TRANSPOSE_KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const wasm = backend as unknown as WasmBackend;
    const x = inputs.x as tf.TensorInfo;
    const [rows, cols] = x.shape as [number, number];
    const out = wasm.makeOutput([cols, rows], 'float32');
    // views are taken after makeOutput, which may move the heap
    const [src, dst] = [x, out].map((t) => wasm.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array];
    const kernel = ampKernels(wasmHeap(wasm));
    kernel?.transpose(src.byteOffset, dst.byteOffset, rows, cols);
    const [row0, col0] = kernel ? [rows & ~3, cols & ~3] : [0, 0];
    transposeFrom(src, dst, rows, cols, row0, col0);
    return out;
  },
});

tf.registerGradient({
  kernelName: TRANSPOSE_KERNEL,
  gradFunc: (dy) => ({ x: () => transpose2d(dy as tf.Tensor) }),
});

/** xᵀ: the SIMD kernel for a float32 matrix on wasm, else tf.transpose. */
export function transpose2d(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 2 || x.dtype !== 'float32' || tf.getBackend() !== 'wasm') return tf.transpose(x);
  return tf.engine().runKernel(TRANSPOSE_KERNEL, { x }) as tf.Tensor;
}

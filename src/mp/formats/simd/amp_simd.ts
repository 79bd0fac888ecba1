/**
 * The training step's WebAssembly SIMD kernels (amp.wat), bound to a memory: tfjs-wasm's heap, where
 * amp/fused_adam.ts, amp/optimizer.ts, ops/transpose.ts and ops/dense_fused.ts run them in place. The first four
 * take a lane count that is a multiple of 4; the dense layer's take any count.
 */
import { AMP_WASM_BASE64, AMP_WASM_BASE64_SHARED } from './amp_wasm';
import { moduleFor, WebAssemblyApi, type WasmMemory, type WasmModule } from './webassembly';

export interface AmpKernels {
  /** 1 where the n float32 values at byte address p are all finite, else 0. */
  allFinite(p: number, n: number): number;
  /** out = x / s for the n float32 values at byte addresses x and out; 1 where every quotient is finite, else 0. */
  unscale(x: number, out: number, n: number, s: number): number;
  /** One Adam step (byte addresses w, m, v, g, wOut, mOut, vOut; n; then β1, β2, 1−β1, 1−β2, 1−β1ᵗ, 1−β2ᵗ, ε, −lr). */
  adam(...args: number[]): void;
  /** The [rows, cols] float32 matrix at byte address src, transposed into dst, but for its last rows and cols mod 4. */
  transpose(src: number, dst: number, rows: number, cols: number): void;
  /** p[r, c] += b[c] for the [rows, cols] float32 matrix at byte address p, in place. */
  biasAdd(p: number, b: number, rows: number, cols: number): void;
  /** dst = relu(src) for n float32 values, as tfjs-wasm's Relu; 1 where src held a NaN with its sign bit set. */
  relu(src: number, dst: number, n: number): number;
  /** out = dy · step(y) for n float32 values, y relu's output (see amp.wat). */
  reluGrad(dy: number, y: number, out: number, n: number): void;
  /** out[c] = the sum of column c of the [rows, cols] float32 matrix at byte address g, in row order. */
  colSum(g: number, out: number, rows: number, cols: number): void;
  /**
   * c = a·b for row-major float32 matrices (c [m, n], b [k, n]), each output summed in k order from +0; a's element
   * (i, l) at byte a + i·aRow + l·aK, so a may be read transposed. `list`: k int32s of scratch, with which the
   * kernel skips a's zeros (give it only where b is all finite), or 0.
   */
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, aRow: number, aK: number, list: number): void;
}

const bound = new WeakMap<WasmMemory, AmpKernels | null>();

function bind(module: WasmModule, memory: WasmMemory): AmpKernels {
  const { exports } = new WebAssemblyApi.Instance(module, { env: { memory } });
  return {
    allFinite: exports.all_finite as AmpKernels['allFinite'],
    unscale: exports.unscale as AmpKernels['unscale'],
    adam: exports.adam as AmpKernels['adam'],
    transpose: exports.transpose as AmpKernels['transpose'],
    biasAdd: exports.bias_add as AmpKernels['biasAdd'],
    relu: exports.relu as AmpKernels['relu'],
    reluGrad: exports.relu_grad as AmpKernels['reluGrad'],
    colSum: exports.col_sum as AmpKernels['colSum'],
    gemm: exports.gemm as AmpKernels['gemm'],
  };
}

/** The kernels on `memory`; null where WebAssembly SIMD is unavailable. */
export function ampKernels(memory: WasmMemory): AmpKernels | null {
  if (!bound.has(memory)) {
    const module = moduleFor(memory, AMP_WASM_BASE64, AMP_WASM_BASE64_SHARED);
    bound.set(memory, module && bind(module, memory));
  }
  return bound.get(memory)!;
}

/**
 * Fused kernels on tfjs-wasm. One of the library's kernels runs several of tfjs-wasm's own kernels (the products,
 * exp, log, reductions) through their kernel functions, and the library's SIMD kernels (amp.wat, the rounding
 * plan's) in between, on the heap. The engine then dispatches one kernel and the tape records one node where
 * tfjs's ops make several of each: on a small model, that bookkeeping costs more than the arithmetic. Each step is
 * the float32 operation of the op it replaces, operands in the same order, so the results are the same bits (but
 * a NaN's sign and payload where two NaNs meet, which WebAssembly leaves to the engine's code for each kernel).
 * Intermediates are freed before the kernel returns.
 */
import * as tf from '@tensorflow/tfjs';
import { roundInto, roundOnWasmHeap } from '../formats/round';
import { ampKernels, type AmpKernels } from '../formats/simd/amp_simd';
import { BackendError } from '../errors';
import { activeWasmBackend, tfjsKernel, wasmHeap, type WasmBackend } from '../tfjs_internals';
import { transposeInto } from './transpose';

type Info = tf.TensorInfo;

/** What a fused kernel does on the heap: tfjs-wasm's kernels, the SIMD kernels, casts, and its scratch tensors. */
export class WasmHeap {
  readonly simd: AmpKernels;

  /** Whether tfjs-wasm runs its threaded build (its heap is then shared). */
  private readonly threaded: boolean;

  constructor(readonly backend: WasmBackend) {
    const memory = wasmHeap(backend);
    const simd = ampKernels(memory);
    if (!simd) throw new BackendError('The fused kernels need WebAssembly SIMD, which this engine lacks.', 'wasm');
    this.simd = simd;
    this.threaded = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  }

  /** A float32 view of `t`: take it after every allocation, which may grow (and so move) the heap. */
  f32(t: Info): Float32Array {
    return this.backend.typedArrayFromHeap(t) as Float32Array;
  }

  /** The byte address of `t` on the heap. */
  at(t: Info): number {
    return this.f32(t).byteOffset;
  }

  alloc(shape: number[]): Info {
    return this.backend.makeOutput(shape, 'float32');
  }

  /** A scalar holding `value`, as tf.scalar makes it (a float32). */
  scalar(value: number): Info {
    const t = this.alloc([]);
    this.f32(t)[0] = value;
    return t;
  }

  free(...ts: Info[]): void {
    for (const t of ts) this.backend.disposeData(t.dataId);
  }

  /** `t` again as a kernel output: one more reference to its data. */
  reuse(t: Info): Info {
    this.backend.incRef(t.dataId);
    return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
  }

  /** `t`'s data seen with another shape, for a kernel's input (no new reference: free `t` itself). */
  view(t: Info, shape: number[]): Info {
    return { dataId: t.dataId, shape, dtype: t.dtype };
  }

  /** tfjs-wasm's own kernel `name` on these inputs and attrs. */
  run(name: string, inputs: Record<string, Info>, attrs: object = {}): Info {
    const kernel = tfjsKernel(name, 'wasm');
    return kernel.kernelFunc({ inputs, backend: this.backend as never, attrs: attrs as tf.NamedAttrMap }) as Info;
  }

  /**
   * a·b for float32 matrices ([m, k]·[k, n]); aᵀ·b where `transposedA` (a is [k, m]). Each output is the sum of its
   * k products in order from +0, as XNNPACK's kernels (tfjs-wasm's BatchMatMul) make it: amp.wat's gemm, which
   * needs neither XNNPACK's packing of b (a copy of the weights each step, since they change every step) nor a
   * transpose of a. Where b is all finite it skips the products of a's zeros (most of MNIST's pixels, and what
   * ReLU clears), which change no sum (amp.wat says why). The threaded build keeps XNNPACK, whose products its
   * threads share.
   */
  matMul(a: Info, b: Info, transposedA = false): Info {
    if (this.threaded) {
      const at = transposedA ? this.transpose(a) : a;
      const out = this.run('BatchMatMul', { a: at, b }, { transposeA: false, transposeB: false });
      if (at !== a) this.free(at);
      return out;
    }
    const [rows, inner] = (transposedA ? [...a.shape].reverse() : a.shape) as [number, number];
    const cols = b.shape[1]!;
    const out = this.alloc([rows, cols]);
    const [rowStride, innerStride] = transposedA ? [4, 4 * rows] : [4 * inner, 4];
    const list = this.allFinite(b) ? this.alloc([inner]) : undefined;
    const at = (t: Info | undefined): number => (t ? this.at(t) : 0);
    this.simd.gemm(at(a), at(b), at(out), rows, inner, cols, rowStride, innerStride, at(list));
    if (list) this.free(list);
    return out;
  }

  /** Whether every value of `t` is finite. */
  allFinite(t: Info): boolean {
    const values = this.f32(t);
    const lanes = values.length & ~3;
    if (lanes > 0 && this.simd.allFinite(values.byteOffset, lanes) === 0) return false;
    for (let i = lanes; i < values.length; i++) if (values[i]! - values[i]! !== 0) return false;
    return true;
  }

  /** tᵀ for a float32 matrix (amp.wat's transpose). */
  transpose(t: Info): Info {
    const [rows, cols] = t.shape as [number, number];
    const out = this.alloc([cols, rows]);
    transposeInto(this.f32(t), this.f32(out), rows, cols, this.simd);
    return out;
  }

  /** Rounds `t` to `format` in place (nearest, ties to even: a cast point's rounding); float32 leaves it as is. */
  cast(t: Info, format: string): void {
    if (format !== 'float32') this.roundInto(t, t, format);
  }

  /** `t` rounded to `format` in a new tensor; `t` itself for float32 (then do not free it). */
  castCopy(t: Info, format: string): Info {
    if (format === 'float32') return t;
    const out = this.alloc(t.shape);
    this.roundInto(t, out, format);
    return out;
  }

  /** The copies castCopy made (the tensors that differ from their sources). */
  freeCopies(pairs: [copy: Info, source: Info][]): void {
    for (const [copy, source] of pairs) if (copy !== source) this.free(copy);
  }

  private readonly malloc = (bytes: number): number => this.backend.wasm._malloc(bytes);

  private roundInto(src: Info, dst: Info, format: string): void {
    const memory = wasmHeap(this.backend);
    const n = tf.util.sizeFromShape(src.shape);
    if (!roundOnWasmHeap(memory, this.malloc, this.at(src), this.at(dst), n, format)) {
      roundInto(this.f32(src), this.f32(dst), format);
    }
  }
}

const heaps = new WeakMap<WasmBackend, WasmHeap>();

/** Registers kernel `name` on wasm: `run` gets its inputs, its attrs and the heap's operations. */
export function registerWasmKernel<A>(
  name: string,
  run: (inputs: Record<string, Info>, attrs: A, heap: WasmHeap) => Info | Info[],
): void {
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackend;
      let heap = heaps.get(wasm);
      if (!heap) heaps.set(wasm, (heap = new WasmHeap(wasm)));
      return run(inputs as Record<string, Info>, attrs as unknown as A, heap);
    },
  });
}

/**
 * Whether the fused kernel `name` runs here: the active backend is wasm, with SIMD (the fused kernels' elementwise
 * steps are amp.wat's).
 *
 *     if (wasmFused(KERNELS.denseFused)) tf.engine().runKernel(KERNELS.denseFused, inputs, attrs)
 */
export function wasmFused(name: string): boolean {
  if (tf.getBackend() !== 'wasm' || !tf.getKernel(name, 'wasm')) return false;
  return ampKernels(wasmHeap(activeWasmBackend())) !== null;
}

/**
 * The library's own kernels on tfjs's cpu and wasm backends (quantize, transpose, fused Adam, unscaling, the
 * loss-scale update, the non-finite check), registered through one helper: each kernel is written once, on
 * arrays, and the helper hands it JS arrays on cpu, or views on the wasm heap with the SIMD kernels bound to
 * it on wasm. The backends' storage is declared in tfjs_internals.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { ampKernels, type AmpKernels } from '../formats/simd/amp_simd';
import type { WasmMemory } from '../formats/simd/webassembly';
import { cpuValues, wasmHeap, type CpuBackend, type WasmBackend } from '../tfjs_internals';

type KernelArray = Float32Array | Uint8Array;

/** One call of a kernel: its inputs and attrs, the outputs to fill, and the SIMD kernels where there are some. */
export interface KernelCall<A> {
  readonly attrs: A;
  /** The inputs' names, in the order the caller gave them. */
  readonly names: readonly string[];
  /** An input's shape. */
  shape(name: string): number[];
  /** A float32 input's values. */
  values(name: string): Float32Array;
  /** Whether a scalar input (bool or number) is set: false where it is 0 or absent. */
  flag(name: string): boolean;
  /** A float32 output, to fill. */
  output(j: number): Float32Array;
  /** Sets a bool scalar output. */
  setFlag(j: number, value: boolean): void;
  /** amp.wat's SIMD kernels, bound to the heap the arrays live on; null on cpu (and without SIMD): JS does all. */
  readonly simd: AmpKernels | null;
  /** How many of n elements the SIMD kernels take, four lanes a turn (0 without them); JavaScript does the rest. */
  lanes(n: number): number;
  /** On wasm, the heap, for a kernel with SIMD of its own; its byte addresses stay valid when malloc grows it. */
  readonly heap?: { readonly memory: WasmMemory; malloc(bytes: number): number };
}

/** An output's shape and dtype. */
export interface OutputSpec {
  readonly shape: number[];
  readonly dtype: 'float32' | 'bool';
}

export interface CpuWasmKernel<A> {
  readonly name: string;
  /** The outputs' shapes and dtypes, from the inputs' (by name) and the attrs. */
  outputs(info: (name: string) => tf.TensorInfo, names: readonly string[], attrs: A): OutputSpec[];
  /** Fills the outputs: SIMD lanes where `simd` is given, the rest (all of them on cpu) in JavaScript. */
  run(call: KernelCall<A>): void;
  /** Return a list even for one output (a kernel whose output count varies). */
  readonly list?: boolean;
}

/**
 * Registers `kernel` on cpu and wasm, one call for both.
 *
 *     registerCpuWasmKernel({ name: KERNELS.nonFinite, outputs: () => [{ shape: [], dtype: 'bool' }], run })
 */
export function registerCpuWasmKernel<A>(kernel: CpuWasmKernel<A>): void {
  for (const backendName of ['cpu', 'wasm'] as const) {
    tf.registerKernel({
      kernelName: kernel.name,
      backendName,
      kernelFunc: (config) => {
        const infos = config.inputs as Record<string, tf.TensorInfo>;
        const names = Object.keys(infos);
        const attrs = config.attrs as unknown as A;
        const specs = kernel.outputs((name) => infos[name]!, names, attrs);
        const storage = backendName === 'cpu' ? onCpu(config.backend) : onWasm(config.backend);
        const outputs = storage.allocate(specs);
        kernel.run({
          attrs,
          names,
          shape: (name) => infos[name]!.shape,
          values: (name) => storage.input(infos[name]!) as Float32Array,
          flag: (name) => names.includes(name) && storage.input(infos[name]!)[0] !== 0,
          output: (j) => outputs.arrays[j] as Float32Array,
          setFlag: (j, value) => (outputs.arrays[j]![0] = value ? 1 : 0),
          simd: storage.simd,
          lanes: (n) => (storage.simd ? n & ~3 : 0),
          ...(storage.heap && { heap: storage.heap }),
        });
        const out = outputs.infos();
        return out.length === 1 && !kernel.list ? out[0]! : out;
      },
    });
  }
}

/** Where a backend keeps a kernel's arrays, and the SIMD kernels that run on them. */
interface Storage {
  input(t: tf.TensorInfo): KernelArray;
  /** The outputs' arrays to fill, and their tensor infos once filled. */
  allocate(specs: OutputSpec[]): { arrays: KernelArray[]; infos(): tf.TensorInfo[] };
  readonly simd: AmpKernels | null;
  readonly heap?: KernelCall<unknown>['heap'];
}

function onCpu(backend: unknown): Storage {
  const cpu = backend as CpuBackend;
  return {
    input: (t) => cpuValues<KernelArray>(cpu, t),
    allocate: (specs) => {
      const arrays = specs.map(({ shape, dtype }) => {
        const size = tf.util.sizeFromShape(shape);
        return dtype === 'bool' ? new Uint8Array(size) : new Float32Array(size);
      });
      return { arrays, infos: () => specs.map(({ shape, dtype }, j) => cpu.makeTensorInfo(shape, dtype, arrays[j]!)) };
    },
    simd: null,
  };
}

function onWasm(backend: unknown): Storage {
  const wasm = backend as WasmBackend;
  const memory = wasmHeap(wasm);
  const view = (t: tf.TensorInfo): KernelArray => wasm.typedArrayFromHeap(t) as KernelArray;
  return {
    input: view, // taken after allocate: makeOutput may grow (and so move) the heap
    allocate: (specs) => {
      const infos = specs.map(({ shape, dtype }) => wasm.makeOutput(shape, dtype));
      return { arrays: infos.map(view), infos: () => infos };
    },
    simd: ampKernels(memory),
    heap: { memory, malloc: (bytes) => wasm.wasm._malloc(bytes) },
  };
}

/**
 * Registers a kernel whose outputs are `count` float32 scalars, computed from its call by `compute` (the Adam
 * betas, the loss-scale update).
 */
export function registerScalarKernel<A>(name: string, count: number, compute: (call: KernelCall<A>) => number[]): void {
  registerCpuWasmKernel<A>({
    name,
    outputs: () => Array.from({ length: count }, () => ({ shape: [], dtype: 'float32' as const })),
    run: (c) => compute(c).forEach((x, j) => (c.output(j)[0] = x)),
    list: true,
  });
}

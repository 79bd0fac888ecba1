/**
 * The parts of tfjs's cpu and wasm backends that the library's own kernels use (quantize, fused Adam,
 * unscaling, the loss-scale update, the non-finite check, batches written in place), declared once.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../errors';
import type { WasmMemory } from '../formats/simd/webassembly';

export interface CpuBackend {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Uint8Array): tf.TensorInfo;
}

export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view on the heap: take it after every makeOutput and malloc, which may grow (and so move) the heap. */
  typedArrayFromHeap(t: tf.TensorInfo): ArrayBufferView;
  /** The single-threaded build exports its memory (asm.memory); the threaded build imports one (wasmMemory). */
  wasm: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory; _malloc(bytes: number): number };
}

/** The wasm backend's heap memory, in either build. */
export function wasmHeap(backend: WasmBackend): WasmMemory {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!memory) {
    throw new BackendError(
      'tfjs-wasm shows no heap (asm.memory or wasmMemory): a tfjs-backend-wasm newer than 4.22?',
      'wasm',
    );
  }
  return memory;
}

/** A cpu-backend tensor's values, without a copy. */
export function cpuValues<T extends ArrayLike<number> = Float32Array>(backend: CpuBackend, t: tf.TensorInfo): T {
  return backend.data.get(t.dataId).values as T;
}

/** A kernel input's values, by the input's name. */
export type ReadInput = (name: string) => ArrayLike<number>;

/**
 * Registers `kernelName` on cpu and wasm for a kernel whose outputs are `count` float32 scalars, computed from
 * its inputs by `compute` (the Adam betas, the loss-scale update).
 */
export function registerScalarKernel(
  kernelName: string,
  count: number,
  compute: (config: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }, read: ReadInput) => number[],
): void {
  tf.registerKernel({
    kernelName,
    backendName: 'cpu',
    kernelFunc: (config) => {
      const backend = config.backend as unknown as CpuBackend;
      const read: ReadInput = (name) => cpuValues(backend, config.inputs[name] as tf.TensorInfo);
      return compute(config, read).map((x) => backend.makeTensorInfo([], 'float32', Float32Array.of(x)));
    },
  });
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: (config) => {
      const backend = config.backend as unknown as WasmBackend;
      const heap = (t: tf.TensorInfo): ArrayLike<number> =>
        backend.typedArrayFromHeap(t) as unknown as ArrayLike<number>;
      const outputs = Array.from({ length: count }, () => backend.makeOutput([], 'float32'));
      // read after makeOutput, which may move the heap
      const values = compute(config, (name) => heap(config.inputs[name] as tf.TensorInfo));
      outputs.forEach((t, j) => ((heap(t) as Float32Array)[0] = values[j]!));
      return outputs;
    },
  });
}

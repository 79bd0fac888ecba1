/**
 * Registering a kernel on the cpu and wasm backends, on their own storage (tfjs_internals.ts declares it).
 */
import * as tf from '@tensorflow/tfjs';
import { cpuValues, type CpuBackend, type WasmBackend } from '../tfjs_internals';

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

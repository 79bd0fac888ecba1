/**
 * The exact quantize kernel: it runs roundInto, the library's bit-exact rounding, directly on the
 * backend's float32 storage. Registered for the cpu backend (JS typed arrays) and the wasm backend
 * (views on the wasm heap, so no copy is made).
 */
import * as tf from '@tensorflow/tfjs';
import { roundInto, roundOnWasmHeap, type RoundOptions } from '../formats/round';
import type { Format } from '../formats/spec';
import { cpuValues, wasmHeap, type CpuBackend, type WasmBackend } from '../tfjs_internals';

export const QUANTIZE_KERNEL = 'MpQuantize';
/** Which casts a backend's exact kernel covers: every one on cpu and wasm. */
type Coverage = (f: Format, options: Required<RoundOptions>) => boolean;
const exactKernels = new Map<string, Coverage>([
  ['cpu', () => true],
  ['wasm', () => true],
]);

/** Backends with an exact quantize kernel (the others use the pure-ops path). */
export function exactBackends(): string[] {
  return [...exactKernels.keys()];
}

/** Whether `backend` rounds this cast with its exact kernel. */
export function hasExactKernel(backend: string, f: Format, options: Required<RoundOptions>): boolean {
  return exactKernels.get(backend)?.(f, options) ?? false;
}

/** Declares a backend's exact kernel once it has passed its checks (webgpu, after a self-test on the device). */
export function addExactBackend(backend: string, covers: Coverage): void {
  exactKernels.set(backend, covers);
}

export interface QuantizeAttrs extends RoundOptions {
  format: string;
}

function attrsOf(config: { attrs?: tf.NamedAttrMap }): [string, RoundOptions] {
  const { format, ...options } = config.attrs as unknown as QuantizeAttrs;
  return [format, options];
}

tf.registerKernel({
  kernelName: QUANTIZE_KERNEL,
  backendName: 'cpu',
  kernelFunc: (config) => {
    const x = config.inputs.x as tf.TensorInfo;
    const backend = config.backend as unknown as CpuBackend;
    const src = cpuValues(backend, x);
    const dst = new Float32Array(src.length);
    roundInto(src, dst, ...attrsOf(config));
    return backend.makeTensorInfo(x.shape, 'float32', dst);
  },
});

tf.registerKernel({
  kernelName: QUANTIZE_KERNEL,
  backendName: 'wasm',
  kernelFunc: (config) => {
    const x = config.inputs.x as tf.TensorInfo;
    const backend = config.backend as unknown as WasmBackend;
    const out = backend.makeOutput(x.shape, 'float32');
    const n = tf.util.sizeFromShape(x.shape);
    if (n === 0) return out;
    const [format, options] = attrsOf(config);
    const [src, dst] = [x, out].map((t) => backend.typedArrayFromHeap(t).byteOffset);
    const { _malloc } = backend.wasm;
    if (roundOnWasmHeap(wasmHeap(backend), (bytes) => _malloc(bytes), src!, dst!, n, format, options)) return out;
    // Views are taken last: makeOutput and malloc may grow (and so move) the heap.
    roundInto(
      backend.typedArrayFromHeap(x) as Float32Array,
      backend.typedArrayFromHeap(out) as Float32Array,
      format,
      options,
    );
    return out;
  },
});

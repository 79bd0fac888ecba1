/**
 * The exact quantize kernel: it runs roundInto, the library's bit-exact rounding, directly on the
 * backend's float32 storage. Registered for the cpu backend (JS typed arrays) and the wasm backend
 * (views on the wasm heap, so no copy is made).
 */
import { roundInto, roundOnWasmHeap } from '../formats/round';
import { type RoundOptions } from '../formats/round_options';
import type { Format } from '../formats/spec';
import { registerCpuWasmKernel } from './cpu_wasm';
import { KERNELS } from './kernel_names';

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

registerCpuWasmKernel<QuantizeAttrs>({
  name: KERNELS.quantize,
  outputs: (info) => [{ shape: info('x').shape, dtype: 'float32' }],
  run: ({ values, output, heap, attrs: { format, ...options } }) => {
    const [x, y] = [values('x'), output(0)];
    // on wasm the SIMD kernel rounds in place on the heap, where it applies (false: nothing done, nothing malloc'd)
    if (heap && roundOnWasmHeap(heap.memory, heap.malloc, x.byteOffset, y.byteOffset, x.length, format, options))
      return;
    roundInto(x, y, format, options);
  },
});

/**
 * Every place the library reaches past tfjs's public API, in one module: the cpu and wasm backends' storage
 * (the library's kernels run on the backends' own memory), tfjs's own kernels that the library wraps, engine
 * fields (the variables, gradients with a given seed, tensors sharing data), which backends have started,
 * environment flags, the wasm package's published files, optimizers' private state, the WebGPU backend's
 * command encoder, and the cpu backend's greeting. None of these is tfjs API: they change between releases
 * without notice. So the library runs only on the tfjs release it was written and tested against: loading it
 * next to another release throws a BackendError that names the supported one. (ESLint forbids these accesses
 * anywhere else: eslint.config.mjs.)
 *
 *     import { checkTfjsVersions } from './tfjs_internals';
 *     checkTfjsVersions({ '@tensorflow/tfjs-core': '4.21.0' }); // BackendError: … needs 4.22.0 …
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { BackendError } from './errors';

/** The tfjs release whose internals this module reaches; package.json pins the tfjs packages to it. */
export const SUPPORTED_TFJS = '4.22.0';

/**
 * Throws a BackendError unless every package in `installed` (name → version) is the supported release. Optional
 * packages that are not installed are left out of `installed`.
 */
export function checkTfjsVersions(installed: Readonly<Record<string, string>>): void {
  const wrong = Object.entries(installed).filter(([, version]) => version !== SUPPORTED_TFJS);
  if (wrong.length === 0) return;
  const found = wrong.map(([name, version]) => `${name} ${version}`).join(', ');
  throw new BackendError(
    `The precision library needs tfjs ${SUPPORTED_TFJS} exactly (its kernels use tfjs internals that change ` +
      `between releases). Installed: ${found}. Install ${wrong.map(([name]) => `${name}@${SUPPORTED_TFJS}`).join(' ')}.`,
    'tfjs',
  );
}

/** A package's version from its package.json, or undefined where it is not installed. */
function installedVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

checkTfjsVersions({
  '@tensorflow/tfjs-core': tf.version_core,
  '@tensorflow/tfjs-backend-cpu': tf.version['tfjs-backend-cpu'] ?? 'unknown',
  '@tensorflow/tfjs-backend-wasm': installedVersion('@tensorflow/tfjs-backend-wasm') ?? 'not installed',
});

/** Checks the optional WebGPU backend's release, once loaded (useBackend('webgpu')). */
export function checkWebGpuVersion(): void {
  const version = installedVersion('@tensorflow/tfjs-backend-webgpu');
  if (version !== undefined) checkTfjsVersions({ '@tensorflow/tfjs-backend-webgpu': version });
}

// --- the cpu and wasm backends' storage ---------------------------------------------------------------------

/** The cpu backend (tfjs-backend-cpu's MathBackendCPU): tensors' values live in JS typed arrays. */
export interface CpuBackend {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Uint8Array): tf.TensorInfo;
}

/** The wasm backend (tfjs-backend-wasm's BackendWasm): tensors live on the WebAssembly heap. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view on the heap: take it after every makeOutput and malloc, which may grow (and so move) the heap. */
  typedArrayFromHeap(t: tf.TensorInfo): ArrayBufferView;
  /** The single-threaded build exports its memory (asm.memory); the threaded build imports one (wasmMemory). */
  wasm: { asm?: { memory?: HeapMemory }; wasmMemory?: HeapMemory; _malloc(bytes: number): number };
  /** Frees a kernel's intermediate (a fused kernel runs several of tfjs-wasm's kernels, ops/wasm_fused.ts). */
  disposeData(dataId: tf.DataId): boolean;
  /** One more reference to a tensor's data: a kernel that returns one of its inputs as an output. */
  incRef(dataId: tf.DataId): void;
}

/** A WebAssembly.Memory, as far as the heap's users need it. */
export interface HeapMemory {
  readonly buffer: ArrayBufferLike;
}

/** The wasm backend's heap memory, in either build. */
export function wasmHeap(backend: WasmBackend): HeapMemory {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!memory) {
    throw new BackendError(
      `tfjs-wasm shows no heap (asm.memory or wasmMemory): is @tensorflow/tfjs-backend-wasm ${SUPPORTED_TFJS} installed?`,
      'wasm',
    );
  }
  return memory;
}

/** A cpu-backend tensor's values, without a copy. */
export function cpuValues<T extends ArrayLike<number> = Float32Array>(backend: CpuBackend, t: tf.TensorInfo): T {
  return backend.data.get(t.dataId).values as T;
}

/** The active backend as the wasm backend; throws where another one runs. */
export function activeWasmBackend(): WasmBackend {
  if (tf.getBackend() !== 'wasm') {
    throw new BackendError(`The wasm backend is not the active one (${tf.getBackend()} is).`, 'wasm');
  }
  return tf.backend() as unknown as WasmBackend;
}

/**
 * Makes tfjs-wasm's Identity share its input's data (one more reference) as tfjs-cpu's does, instead of copying
 * it: tensors' data is never written in place. The engine saves every tensor a gradient needs through Identity,
 * so each training step copied its saved inputs (the batch, the weights) once more. The values are the same.
 */
export function shareWasmIdentity(): void {
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      (backend as unknown as WasmBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}

/** The path of a file the wasm package publishes in its wasm-out folder (the threaded build's scripts). */
export function wasmPackageFile(file: string): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out', file);
}

/** Turns tfjs-wasm's threaded build on or off for its next start (tfjs turns it off in Node). */
export function setWasmMultithreading(on: boolean): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', on);
}

/** Whether tfjs-wasm runs its SIMD build. */
export function wasmSimd(): boolean {
  return Boolean(tf.env().getBool('WASM_HAS_SIMD_SUPPORT'));
}

// --- the engine -----------------------------------------------------------------------------------------------

/** Whether tfjs has started (not only registered) the backend `name`. */
export function backendStarted(name: string): boolean {
  return tf.engine().registry[name] !== undefined;
}

/** Whether the engine records the kernels run now on a gradient tape (inside tf.grads, variableGrads, …). */
export function tapeRecording(): boolean {
  const state = (tf.engine() as unknown as { state: { gradientDepth: number; kernelDepth: number } }).state;
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}

/** Every variable tfjs knows, by name. */
export function registeredVariables(): Readonly<Record<string, tf.Variable>> {
  return tf.engine().registeredVariables;
}

/**
 * The gradients of f with respect to `xs`, the backward pass seeded with `dy` instead of ones (tf.variableGrads
 * always seeds with ones). Variables f does not reach get no entry.
 */
export function gradientsSeeded(
  f: () => tf.Scalar,
  xs: tf.Tensor[],
  dy: tf.Tensor,
): { value: tf.Scalar; grads: (tf.Tensor | undefined)[] } {
  const { value, grads } = tf.engine().gradients(f, xs, dy, true);
  return { value: value as tf.Scalar, grads };
}

/** A second tensor on `t`'s data, without a copy (tfjs never writes data in place). */
export function shareData(t: tf.Tensor): tf.Tensor {
  const engine = tf.engine();
  engine.backend.incRef(t.dataId);
  return engine.makeTensorFromDataId(t.dataId, t.shape, t.dtype);
}

/** The tensor for a kernel output made outside a kernel (a wasm backend's makeOutput). */
export function tensorFromInfo(info: tf.TensorInfo): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** tfjs's own kernel `name` on `backend`, which the library wraps or delegates to. */
export function tfjsKernel(name: string, backend: string): tf.KernelConfig {
  const kernel = tf.getKernel(name, backend);
  if (!kernel) {
    throw new BackendError(
      `tfjs ${SUPPORTED_TFJS} has a ${name} kernel on ${backend}, but none is registered.`,
      backend,
    );
  }
  return kernel;
}

// --- optimizers' private state ---------------------------------------------------------------------------------

/** The parts of tfjs' AdamOptimizer that the fused step reads and writes (private in its typings). */
export interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/** `opt` as tfjs' AdamOptimizer, where it is a plain one (not a subclass) whose fields are as expected. */
export function adamInternals(opt: tf.Optimizer): AdamInternals | undefined {
  const adam = opt as unknown as AdamInternals;
  return opt.constructor === tf.AdamOptimizer && typeof adam.learningRate === 'number' ? adam : undefined;
}

/** An optimizer's private step count, read and restored around a step that must not count. */
export function optimizerIterations(opt: tf.Optimizer): { get(): number | undefined; set(n?: number): void } {
  const counter = opt as unknown as { iterations_?: number };
  return { get: () => counter.iterations_, set: (n) => (counter.iterations_ = n) };
}

/**
 * The variables a tfjs optimizer keeps as state: its own tf.Variable fields (Adam's accumulated betas) and
 * its slot lists (arrays of { originalName, variable }). Every built-in tfjs optimizer keeps its state so.
 */
export function optimizerState(opt: tf.Optimizer): tf.Variable[] {
  const out: tf.Variable[] = [];
  for (const value of Object.values(opt)) {
    if (value instanceof tf.Variable) out.push(value);
    else if (Array.isArray(value)) {
      for (const item of value) {
        if (item instanceof tf.Variable) out.push(item);
        else if (item && (item as { variable?: unknown }).variable instanceof tf.Variable) {
          out.push((item as { variable: tf.Variable }).variable);
        }
      }
    }
  }
  return out;
}

// --- the WebGPU backend ---------------------------------------------------------------------------------------

// The few WebGPU objects the library's kernels use through tfjs-backend-webgpu (no DOM lib here, so no WebGPU types)
export interface GpuBuffer {
  readonly size: number;
}
export interface GpuPipeline {
  getBindGroupLayout(i: number): unknown;
}
export interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y: number, z: number): void;
  end(): void;
}
export interface GpuDevice {
  readonly features: { has(name: string): boolean };
  createShaderModule(d: { code: string; label?: string }): {
    getCompilationInfo(): Promise<{ messages: readonly { type: string; message: string; lineNum: number }[] }>;
  };
  createComputePipeline(d: unknown): GpuPipeline;
  createBindGroup(d: unknown): unknown;
  pushErrorScope(filter: string): void;
  popErrorScope(): Promise<{ message: string } | null>;
}
export interface TensorData {
  resource: GpuBuffer | null;
  dtype: string;
  values: unknown;
}

/** tfjs-backend-webgpu's WebGPUBackend, as far as a kernel recording its own dispatch needs it. */
export interface WebGpuBackendLike {
  readonly device: GpuDevice;
  commandEncoder: { beginComputePass(d: unknown): GpuPass } | null;
  computePassEncoder: GpuPass | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  tensorMap: { get(id: object): TensorData };
  uploadToGPU(id: object): void;
  makeTensorInfo(shape: number[], dtype: string, values?: Float32Array): tf.TensorInfo;
  makeUniforms(u: { type: string; data: number[] }[]): unknown;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/** The active backend as tfjs-backend-webgpu's; throws where another one runs. */
export function activeWebGpuBackend(): WebGpuBackendLike {
  if (tf.getBackend() !== 'webgpu') {
    throw new BackendError(`The webgpu backend is not the active one (${tf.getBackend()} is).`, 'webgpu');
  }
  return tf.backend() as unknown as WebGpuBackendLike;
}

/** How many dispatches tfjs-backend-webgpu records in a compute pass before it submits. */
export function webGpuSubmitBatchSize(): number {
  return Number(tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'));
}

// --- the cpu backend's greeting --------------------------------------------------------------------------------

/** The priority tfjs-backend-cpu registers itself with (below wasm's and the native backends'). */
const CPU_PRIORITY = 1;

/**
 * tfjs's cpu backend greets Node users once, on its first tensor, with advice to install tfjs-node. The library
 * chooses its backend on purpose (useBackend), so before any backend has started it registers the cpu backend
 * again with that greeting marked as given; every other tfjs warning still prints.
 */
function quietCpuGreeting(): void {
  const cpu = tf.findBackendFactory('cpu');
  if (!cpu || tf.engine().backendName) return;
  tf.removeBackend('cpu');
  tf.registerBackend('cpu', () => Object.assign(cpu() as tf.KernelBackend, { firstUse: false }), CPU_PRIORITY);
}

quietCpuGreeting();

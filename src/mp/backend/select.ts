/**
 * Choosing the tfjs backend. `auto` prefers TensorFlow's native library (tfjs-node-gpu, then tfjs-node)
 * where one is installed, and otherwise WebAssembly: on a 2-core machine the wasm backend runs a 512²
 * matmul ~30× faster than the pure-JS cpu backend. WebGPU is opt-in: it needs the `webgpu` package
 * (Dawn for Node) and a GPU; the project's WGSL kernels run its matmuls and casts (backend/webgpu/).
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { BackendError, checkChoice, OptionError } from '../errors';
import { addExactBackend, exactBackends } from '../ops/kernel';
import { gpuMatmulInfo, installWebGpuMatmul, verifyWebGpuMatmul } from './webgpu/kernels';
import { installWebGpuQuantize, selfTestWebGpuQuantize } from './webgpu/quantize_kernel';
import { webGpuQuantizeSupports } from './webgpu/quantize_wgsl';
import { DAWN_TOGGLES, type MatmulPath } from './webgpu/select_path';
import { prepareWasmThreads, wasmThreadsCount } from './wasm_threads';

export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu', 'tensorflow', 'webgpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface BackendInfo {
  /** The tfjs backend name now active: 'wasm', 'cpu', 'tensorflow', 'webgpu', ... */
  readonly name: string;
  /** Which native package provides the 'tensorflow' backend, if any is loaded. */
  readonly nativePackage: string | null;
  /** Whether quantize runs the bit-exact kernel here (else the pure-ops path). */
  readonly exactQuantize: boolean;
  /** wasm only: whether the SIMD build is running. */
  readonly wasmSimd?: boolean;
  /** wasm only: XNNPACK's threads (1: the single-threaded build). */
  readonly wasmThreads?: number;
  /**
   * webgpu only: which matmul kernels run (the project's tensor-core, f16 or f32 WGSL, or tfjs's own) and
   * why, from the adapter's features and a start-up self-test.
   */
  readonly gpuMatmul?: { readonly path: MatmulPath; readonly reason: string; readonly adapter: string };
  /** A one-line summary for notebooks and CLIs. */
  readonly summary: string;
}

/** Packages that register the 'tensorflow' backend, in order of preference. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
let nativePackage: string | null = null;

/** Loads an optional package by name; undefined if it is not installed or fails to load. */
function tryRequire(name: string): unknown {
  try {
    return require(name) as unknown;
  } catch {
    return undefined;
  }
}

function loadNative(): boolean {
  if (nativePackage) return true;
  nativePackage = NATIVE_PACKAGES.find((name) => tryRequire(name) !== undefined) ?? null;
  return nativePackage !== null;
}

function loadWebGpu(): void {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    const dawn = tryRequire('webgpu') as { create(flags: string[]): unknown; globals: object } | undefined;
    if (!dawn) {
      throw new BackendError(
        "webgpu needs a WebGPU implementation: a browser, or in Node the 'webgpu' package (npm install webgpu) and a GPU driver.",
        'webgpu',
      );
    }
    Object.assign(globalThis, dawn.globals);
    // The toggles expose shader-f16 and subgroup matrices on NVIDIA's Vulkan driver (docs/gpu.md). navigator
    // keeps the object create() returns alive: Dawn crashes if it is garbage-collected.
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: dawn.create([...DAWN_TOGGLES]) },
      configurable: true,
    });
  }
  // An application (or a bundle) may have imported the backend already; else load it by name.
  if (!tf.findBackendFactory('webgpu') && tryRequire('@tensorflow/tfjs-backend-webgpu') === undefined) {
    throw new BackendError(
      'webgpu needs the tfjs WebGPU backend: npm install @tensorflow/tfjs-backend-webgpu@4.22.0',
      'webgpu',
    );
  }
  installWebGpuMatmul();
  installWebGpuQuantize();
}

export interface BackendOptions {
  /**
   * wasm only: threads for XNNPACK's kernels (matmuls, convolutions). 1 runs tfjs' single-threaded SIMD build;
   * n > 1 its threaded SIMD build with n threads (backend/wasm_threads.ts), whose results are bit for bit those
   * of one thread. Default: the environment variable MP_WASM_THREADS, else `defaultWasmThreads()`. Fixed for the
   * process once the wasm backend has started.
   */
  readonly threads?: number;
}

/** The most threads tfjs' wasm build starts (asked for 16, it runs 8). */
export const MAX_WASM_THREADS = 8;

/**
 * Threads where none are asked for: half the cores (as tfjs picks in browsers), at most 8, and one thread on
 * fewer than 4 cores, where a second thread slowed the seed MLP's step (docs/wasm-threads.md). One thread too
 * where Node's permission model forbids workers (the grader's sandbox).
 */
export function defaultWasmThreads(): number {
  const cores = os.availableParallelism();
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  if (cores < 4 || (permission && !permission.has('worker'))) return 1;
  return Math.min(MAX_WASM_THREADS, Math.floor(cores / 2));
}

function threadsOption(options: BackendOptions): { threads: number; asked: boolean } {
  const env = process.env.MP_WASM_THREADS;
  const given = options.threads ?? (env === undefined || env === '' ? undefined : Number(env));
  const threads = given ?? defaultWasmThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    const source = options.threads === undefined ? `MP_WASM_THREADS=${env}` : String(options.threads);
    throw new OptionError(
      `threads must be an integer from 1 to ${MAX_WASM_THREADS}, got ${source}.`,
      'threads',
      options.threads ?? env,
    );
  }
  return { threads, asked: given !== undefined };
}

/**
 * Makes `choice` the active tfjs backend and says what is running.
 *
 *     await useBackend();                       // tfjs-node(-gpu) where installed, else wasm
 *     await useBackend('wasm', { threads: 4 }); // wasm's threaded build, 4 threads
 *     await useBackend('cpu');                  // the slow reference backend
 */
export async function useBackend(choice: BackendChoice = 'auto', options: BackendOptions = {}): Promise<BackendInfo> {
  checkChoice('backend', choice, BACKEND_CHOICES);
  const { threads, asked } = threadsOption(options);
  let name: string = choice;
  if (choice === 'auto') name = loadNative() ? 'tensorflow' : 'wasm';
  else if (choice === 'tensorflow' && !loadNative()) {
    throw new BackendError(
      `The 'tensorflow' backend needs ${NATIVE_PACKAGES.join(' or ')}, and neither is installed. ` +
        'Their install script downloads libtensorflow, so install one where the network allows it.',
      choice,
    );
  } else if (choice === 'webgpu') loadWebGpu();
  if (options.threads !== undefined && options.threads > 1 && name !== 'wasm') {
    throw new OptionError(`threads applies to the wasm backend only, not '${name}'.`, 'threads', threads);
  }
  if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  const restore = name === 'wasm' ? startWasmWith(threads) : () => {};
  let started: boolean;
  try {
    started = await tf.setBackend(name);
  } finally {
    restore();
  }
  if (!started) throw new BackendError(`tfjs could not start the '${name}' backend here.`, name);
  if (name === 'wasm' && asked && wasmThreadsCount() !== threads) {
    throw new BackendError(
      `The wasm backend runs ${wasmThreadsCount()} thread(s) and cannot change in a running process; ` +
        `restart it (in a notebook: restart the kernel) and call useBackend('wasm', { threads: ${threads} }) first.`,
      name,
    );
  }
  await tf.ready();
  if (name === 'webgpu') {
    await verifyWebGpuMatmul();
    // the WGSL quantize kernel is used only once it rounds every probe value as roundArray does
    quantizeRejected = await selfTestWebGpuQuantize();
    if (quantizeRejected.length === 0) addExactBackend('webgpu', webGpuQuantizeSupports);
  }
  return backendInfo();
}

/** Prepares the wasm backend's first start for `threads` (a no-op once it has started); returns the undo. */
function startWasmWith(threads: number): () => void {
  if (threads === 1 || tf.findBackend('wasm')) return () => {};
  return prepareWasmThreads(threads);
}

/** Formats the WGSL quantize kernel got wrong in its start-up self-test (then quantize runs pure ops there). */
let quantizeRejected: string[] = [];

/** What backend is active, and whether quantize is exact on it. */
export function backendInfo(): BackendInfo {
  const name = tf.getBackend();
  const wasmSimd = name === 'wasm' ? Boolean(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) : undefined;
  const wasmThreads = name === 'wasm' ? wasmThreadsCount() : undefined;
  const exactQuantize = exactBackends().includes(name);
  const detail =
    name === 'tensorflow'
      ? ` via ${nativePackage ?? 'a native package'}`
      : name === 'wasm'
        ? wasmSimd
          ? ` (SIMD, ${wasmThreads === 1 ? 'one thread' : `${wasmThreads} threads`})`
          : ' (no SIMD)'
        : '';
  const gpu = name === 'webgpu' ? gpuMatmulInfo() : null;
  const gpuMatmul = gpu ? { path: gpu.path, reason: gpu.reason, adapter: gpu.adapter } : undefined;
  const matmul = gpuMatmul ? `; matmul: ${gpuMatmul.path} (${gpuMatmul.reason})` : '';
  return {
    name,
    nativePackage: name === 'tensorflow' ? nativePackage : null,
    exactQuantize,
    ...(wasmSimd === undefined ? {} : { wasmSimd, wasmThreads }),
    ...(gpuMatmul ? { gpuMatmul } : {}),
    summary: `tfjs ${tf.version.tfjs} on ${name}${detail}; quantize: ${quantizeSummary(name, exactQuantize)}${matmul}`,
  };
}

function quantizeSummary(name: string, exact: boolean): string {
  if (name !== 'webgpu') return exact ? 'exact kernel' : 'pure-ops path';
  return exact
    ? 'exact WGSL kernel (float formats; stochastic rounding and integer grids take the pure-ops path)'
    : `pure-ops path (the WGSL kernel failed its self-test on ${quantizeRejected.join(', ')})`;
}

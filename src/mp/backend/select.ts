/**
 * Choosing the tfjs backend. `auto` prefers TensorFlow's native library (tfjs-node-gpu, then tfjs-node)
 * where one is installed, and otherwise WebAssembly: on a 2-core machine the wasm backend runs a 512²
 * matmul ~30× faster than the pure-JS cpu backend. WebGPU is opt-in: it needs the `webgpu` package
 * (Dawn for Node) and a GPU; the project's WGSL kernels run its matmuls and casts (backend/webgpu/).
 */
import * as tf from '@tensorflow/tfjs';
import { BackendError, checkChoice, checkOptionKeys, OptionError } from '../errors';
import { addExactBackend, exactBackends } from '../ops/kernel';
import { gpuMatmulInfo, installWebGpuMatmul, verifyWebGpuMatmul } from './webgpu/kernels';
import { installWebGpuQuantize, selfTestWebGpuQuantize } from './webgpu/quantize_kernel';
import { webGpuQuantizeSupports } from './webgpu/quantize_wgsl';
import { DAWN_TOGGLES, type MatmulPath } from './webgpu/select_path';
import { checkWasmThreads, startWasm, wasmThreadsChoice, wasmThreadsCount, wasmThreadsFallback } from './wasm_threads';
import { checkWebGpuVersion, wasmSimd as wasmRunsSimd } from '../tfjs_internals';

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
  checkWebGpuVersion();
  installWebGpuMatmul();
  installWebGpuQuantize();
}

export interface BackendOptions {
  /**
   * wasm only: threads for XNNPACK's kernels (matmuls, convolutions), 1 to 8. 1 runs tfjs' single-threaded SIMD
   * build; more run its threaded SIMD build (backend/wasm_threads.ts), whose results matched one thread's bit for
   * bit in every run we compared. Default: MP_WASM_THREADS, else the count measured fastest on this machine at
   * its first start (cached: backend/thread_probe.ts), else `defaultWasmThreads()`. Fixed for the process once
   * wasm has started.
   */
  readonly threads?: number;
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
  checkOptionKeys('useBackend', options, ['threads']);
  const threads = options.threads === undefined ? undefined : checkWasmThreads(options.threads);
  if (threads !== undefined && choice !== 'auto' && choice !== 'wasm') {
    throw new OptionError(
      `threads applies to the wasm backend only. Received: backend=${JSON.stringify(choice)}`,
      'threads',
      threads,
    );
  }
  let name: string = choice;
  if (choice === 'auto') name = loadNative() ? 'tensorflow' : 'wasm';
  else if (choice === 'tensorflow' && !loadNative()) {
    throw new BackendError(
      `The 'tensorflow' backend needs ${NATIVE_PACKAGES.join(' or ')}, and neither is installed. ` +
        'Their install script downloads libtensorflow, so install one where the network allows it.',
      choice,
    );
  } else if (choice === 'webgpu') loadWebGpu();
  if (name === 'wasm') await startWasm(threads);
  else if (threads !== undefined) {
    throw new OptionError(`threads applies to the wasm backend only, and 'auto' chose '${name}'.`, 'threads', threads);
  } else if (!(await tf.setBackend(name)))
    throw new BackendError(`tfjs could not start the '${name}' backend here.`, name);
  await tf.ready();
  if (name === 'webgpu') {
    await verifyWebGpuMatmul();
    // the WGSL quantize kernel is used only once it rounds every probe value as roundArray does
    quantizeRejected = await selfTestWebGpuQuantize();
    if (quantizeRejected.length === 0) addExactBackend('webgpu', webGpuQuantizeSupports);
  }
  return backendInfo();
}

/** Formats the WGSL quantize kernel got wrong in its start-up self-test (then quantize runs pure ops there). */
let quantizeRejected: string[] = [];

/** What backend is active, and whether quantize is exact on it. */
export function backendInfo(): BackendInfo {
  const name = tf.getBackend();
  const wasmSimd = name === 'wasm' ? wasmRunsSimd() : undefined;
  const wasmThreads = name === 'wasm' ? wasmThreadsCount() : undefined;
  const exactQuantize = exactBackends().includes(name);
  const detail =
    name === 'tensorflow'
      ? ` via ${nativePackage ?? 'a native package'}`
      : name === 'wasm'
        ? wasmSimd
          ? ` (SIMD, ${wasmThreads === 1 ? 'one thread' : `${wasmThreads} threads`}${threadsWhy()})`
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

/** Why wasm runs this many threads: it fell back to one, or how the default was chosen. */
function threadsWhy(): string {
  const why = wasmThreadsFallback() ?? wasmThreadsChoice();
  return why ? `: ${why}` : '';
}

function quantizeSummary(name: string, exact: boolean): string {
  if (name !== 'webgpu') return exact ? 'exact kernel' : 'pure-ops path';
  return exact
    ? 'exact WGSL kernel (float formats; stochastic rounding and integer grids take the pure-ops path)'
    : `pure-ops path (the WGSL kernel failed its self-test on ${quantizeRejected.join(', ')})`;
}

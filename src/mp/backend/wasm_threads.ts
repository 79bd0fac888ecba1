/**
 * Starting tfjs-wasm's threaded SIMD build in Node, which tfjs itself does not do (tfjs#3830; the findings
 * are in docs/wasm-threads.md). Three things stand in the way, and each is fixed here by configuration:
 *
 * 1. tfjs turns the build off in Node: the flag WASM_HAS_MULTITHREAD_SUPPORT is set before start-up.
 * 2. Emscripten starts its pthread workers from `blob:` URLs, which Node's workers cannot load. A Worker
 *    subclass starts them from the worker code the package publishes (wasm-out/…worker.js), and hands them
 *    the package's standalone main script (wasm-out/…threaded-simd.js) by path instead of as a Blob.
 * 3. The C side caps XNNPACK's pool at half the logical cores (backend.cc counts hyper-threads twice).
 *    During start-up os.cpus() reports at least twice the threads asked for, so the pool gets exactly them.
 */
import type * as OsModule from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Worker as NodeWorker, type WorkerOptions } from 'worker_threads';

interface WasmPackage {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** The backend package, loaded only when used (a literal name, so that bundlers include this copy). */
const wasmPackage = (): WasmPackage => require('@tensorflow/tfjs-backend-wasm') as WasmPackage;

function wasmOut(file: string): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out', file);
}

/** The pthread worker's code, as the package publishes it. */
function pthreadCode(): string {
  const module = require(wasmOut('tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // as tfjs does before making its Blob: the code's "\n" escapes would otherwise become line breaks
  return module.wasmWorkerContents.replace(/\n/g, '\\n');
}

/** Node's Worker, which starts the pthreads Emscripten asks for by Blob URL from the published files. */
class PthreadWorker extends NodeWorker {
  private readonly pthread: boolean;

  constructor(url: string | URL, options?: WorkerOptions) {
    const pthread = String(url).startsWith('blob:');
    super(pthread ? pthreadCode() : url, pthread ? { ...options, eval: true } : options);
    this.pthread = pthread;
    if (pthread) this.unref();
  }

  /**
   * Emscripten refs a worker while its pthread runs, and XNNPACK's pool threads run for good: that would keep
   * Node from exiting. The main thread waits for the pool inside each kernel, so the pool needs no ref.
   */
  override ref(): void {
    if (!this.pthread) super.ref();
  }

  override postMessage(message: unknown, transfer?: Parameters<NodeWorker['postMessage']>[1]): void {
    const m = message as { cmd?: string };
    // 'load' names the main script for the worker to evaluate: the published file, not the Blob of a copy
    const load = this.pthread && m?.cmd === 'load';
    super.postMessage(load ? { ...m, urlOrBlob: wasmOut('tfjs-backend-wasm-threaded-simd.js') } : message, transfer);
  }
}

/**
 * Prepares the wasm backend's first start to run `threads` XNNPACK threads. Call before tf.setBackend('wasm'),
 * and the returned function after it (it restores os.cpus).
 */
export function prepareWasmThreads(threads: number): () => void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasmPackage().setThreadsCount(threads);
  // Emscripten assigns worker_threads' Worker to the global at start-up; the setter keeps ours in place.
  Object.defineProperty(globalThis, 'Worker', { get: () => PthreadWorker, set: () => {}, configurable: true });
  const os = require('os') as typeof OsModule; // the module object itself, which Emscripten reads
  const cpus = os.cpus;
  const cores = cpus();
  const reported = Array.from({ length: Math.max(cores.length, 2 * threads) }, (_, i) => cores[i % cores.length]!);
  os.cpus = () => reported;
  return () => {
    os.cpus = cpus;
  };
}

/** XNNPACK's thread count in the running wasm backend. */
export function wasmThreadsCount(): number {
  return wasmPackage().getThreadsCount();
}

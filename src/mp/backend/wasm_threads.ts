/**
 * Starting tfjs-wasm's threaded SIMD build in Node, which tfjs itself does not do (tfjs#3830). What stands in
 * the way, each fixed here by configuration (docs/wasm-threads.md has the details and the measurements):
 *
 * 1. tfjs turns the build off in Node: the flag WASM_HAS_MULTITHREAD_SUPPORT is set before start-up.
 * 2. Emscripten starts its pthread workers from `blob:` URLs, which Node's workers cannot load. A Worker
 *    subclass starts them from the worker code the package ships (wasm-out/…worker.js), and hands them the
 *    package's standalone main script (wasm-out/…threaded-simd.js) by path instead of as a Blob.
 * 3. A running pthread would keep Node from exiting: the subclass ignores Emscripten's ref().
 * 4. The C side caps XNNPACK's pool at half the logical cores (backend.cc counts hyper-threads twice).
 *    During start-up os.cpus() reports at least twice the threads asked for, so the pool gets exactly them.
 */
import * as fs from 'fs';
import type * as OsModule from 'os';
import * as tf from '@tensorflow/tfjs';
import { Worker as NodeWorker, type WorkerOptions } from 'worker_threads';
import { BackendError, OptionError } from '../errors';
import { backendStarted, setWasmMultithreading, shareWasmIdentity, wasmPackageFile } from '../tfjs_internals';
import { chooseThreads } from './thread_probe';

/** The os module object itself (not an import's copy): Emscripten reads os.cpus from it. */
const nodeOs = require('os') as typeof OsModule;

interface WasmPackage {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** The backend package, loaded only when used (a literal name, so that bundlers include this copy). */
const wasmPackage = (): WasmPackage => require('@tensorflow/tfjs-backend-wasm') as WasmPackage;

/** The pthread worker's code, as the package publishes it. */
function pthreadCode(): string {
  const module = require(wasmPackageFile('tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
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
    super.postMessage(
      load ? { ...m, urlOrBlob: wasmPackageFile('tfjs-backend-wasm-threaded-simd.js') } : message,
      transfer,
    );
  }
}

/**
 * Sets up the wasm backend's first start to run `threads` XNNPACK threads. Call `started` once tf.setBackend
 * has settled, and `failed` too where the start failed: together they undo every change but the flag and the
 * count a started threaded build needs.
 */
function prepareThreadedStart(threads: number): { started(): void; failed(): void } {
  setWasmMultithreading(true);
  wasmPackage().setThreadsCount(threads);
  // Emscripten assigns worker_threads' Worker to the global as it starts; the no-op setter keeps ours there.
  // It creates its 8 pool workers during the start, so the global goes back to what it was right after.
  const worker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  Object.defineProperty(globalThis, 'Worker', { get: () => PthreadWorker, set: () => {}, configurable: true });
  const cpus = nodeOs.cpus;
  const cores = cpus();
  const reported = Array.from({ length: Math.max(cores.length, 2 * threads) }, (_, i) => cores[i % cores.length]!);
  nodeOs.cpus = () => reported;
  return {
    started: () => {
      nodeOs.cpus = cpus;
      if (worker) Object.defineProperty(globalThis, 'Worker', worker);
      else delete (globalThis as { Worker?: unknown }).Worker;
    },
    failed: () => {
      setWasmMultithreading(false);
      wasmPackage().setThreadsCount(-1); // tfjs' default
    },
  };
}

/** The most threads tfjs' wasm build runs (asked for 16, it runs 8). */
export const MAX_WASM_THREADS = 8;

/** The cores this process may use: the available ones, within a cgroup v2 CPU quota (a container's limit). */
function cpuBudget(): number {
  const cores = nodeOs.availableParallelism();
  try {
    const [quota, period] = fs.readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(/\s+/);
    if (quota !== 'max') return Math.max(1, Math.min(cores, Math.floor(Number(quota) / Number(period))));
  } catch {
    // no cgroup v2 quota here, or no permission to read it
  }
  return cores;
}

/** Whether this process may start worker threads (Node's permission model can forbid them). */
function workersAllowed(): boolean {
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  return permission?.has('worker') ?? true;
}

/**
 * Threads by rule, for where none are asked for and the start-up measurement (thread_probe.ts) cannot run: half
 * the cores (as tfjs picks in browsers), at most 8; one thread below 4 cores, where a second thread's wake-ups
 * can cost a small model more than it computes (docs/wasm-threads.md), and where workers are forbidden.
 *
 *     defaultWasmThreads(16)   // 8
 */
export function defaultWasmThreads(cores = cpuBudget(), workers = workersAllowed()): number {
  if (cores < 4 || !workers) return 1;
  return Math.min(MAX_WASM_THREADS, Math.floor(cores / 2));
}

/** How the running count was chosen, where none was asked for; null where one was. */
let howChosen: string | null = null;

/** How the wasm backend's thread count was chosen (measured, cached, or by rule, and why); null if asked for. */
export function wasmThreadsChoice(): string | null {
  return howChosen;
}

/** The count for a first start where none is asked for: measured on this machine (cached), else by rule. */
async function measuredDefault(): Promise<number> {
  const cores = cpuBudget();
  if (!workersAllowed() || cores < 2) {
    howChosen = workersAllowed() ? 'one core' : 'workers are forbidden';
    return 1;
  }
  const choice = await chooseThreads(cores, MAX_WASM_THREADS);
  if (typeof choice === 'string') {
    howChosen = `by rule: ${choice}`;
    return defaultWasmThreads(cores);
  }
  const steps = Object.entries(choice.msPerStep).map(([n, ms]) => `${n}: ${ms.toFixed(2)} ms`);
  howChosen = `the fastest measured here, a step on each count ${steps.join(', ')}`;
  return choice.threads;
}

/** Throws an OptionError unless `threads` is a count the wasm backend can run. */
export function checkWasmThreads(threads: unknown, option = 'threads'): number {
  if (!Number.isInteger(threads) || (threads as number) < 1 || (threads as number) > MAX_WASM_THREADS) {
    const valid = Array.from({ length: MAX_WASM_THREADS }, (_, i) => i + 1);
    throw new OptionError(
      `${option} must be an integer from 1 to ${MAX_WASM_THREADS}. Received: ${option}=${JSON.stringify(threads)}`,
      option,
      threads,
      valid,
    );
  }
  return threads as number;
}

let fallback: string | null = null;
let identityShared = false;

/** Why the wasm backend runs one thread although more were the default (the threaded build failed to start). */
export function wasmThreadsFallback(): string | null {
  return fallback;
}

/**
 * Makes wasm the active backend: on its first start with `threads`, else MP_WASM_THREADS, else the count measured
 * fastest on this machine (thread_probe.ts; defaultWasmThreads() where it cannot measure). Where the threaded
 * build fails to start, a count that was asked for throws a BackendError, and the default falls back to one
 * thread (wasmThreadsFallback says why).
 */
export async function startWasm(threads?: number): Promise<void> {
  const env = process.env.MP_WASM_THREADS;
  const fromEnv = env
    ? checkWasmThreads(Number.isInteger(Number(env)) ? Number(env) : env, 'MP_WASM_THREADS')
    : undefined;
  const asked = threads ?? fromEnv;
  if (asked !== undefined) howChosen = null;
  const wanted = asked ?? (backendStarted('wasm') ? wasmPackage().getThreadsCount() : await measuredDefault());
  const pkg = wasmPackage(); // registers the backend
  if (!identityShared) {
    shareWasmIdentity();
    identityShared = true;
  }
  if (!backendStarted('wasm') && wanted > 1) {
    const start = prepareThreadedStart(wanted);
    let started = false;
    try {
      started = await tf.setBackend('wasm');
    } finally {
      start.started();
      if (!started) start.failed();
    }
    if (started) return void (fallback = null);
    const reason = 'the threaded build did not start (see the warning above)';
    if (asked !== undefined) {
      throw new BackendError(
        `wasm with ${wanted} threads: ${reason}. Use threads: 1 (or MP_WASM_THREADS=1) for the single-threaded build.`,
        'wasm',
      );
    }
    fallback = reason;
  }
  if (!(await tf.setBackend('wasm'))) throw new BackendError("tfjs could not start the 'wasm' backend here.", 'wasm');
  const running = pkg.getThreadsCount();
  if (asked !== undefined && running !== asked) {
    throw new BackendError(
      `The wasm backend already runs ${running} thread(s), and a running process cannot change that. Restart the ` +
        `process (in a notebook: restart the kernel) and ask for ${asked} before wasm first starts.`,
      'wasm',
    );
  }
}

/** XNNPACK's thread count in the running wasm backend. */
export function wasmThreadsCount(): number {
  return wasmPackage().getThreadsCount();
}

/**
 * Runs one submission file's functions in a fresh sandboxed child process (child.ts), so that nothing one
 * file does, at load or call time, can change how another file's cases run. The child runs on plain Node
 * under its permission model: it may read only the staged library, the staged submission and node_modules;
 * it may not write, start processes or workers, or load native addons; its environment is empty. The file
 * is loaded once, under its own time limit: a file that hangs, throws, exits or runs out of memory while
 * loading is one load failure, and none of its cases wait for a timeout. Each call has a time limit; after a
 * timeout or crash the remaining cases run in a fresh child. Memory: a V8 heap limit, plus (on POSIX) a limit
 * on all the process's data, typed arrays included.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { GradingError } from './errors';
import type { ChildConfig, Failure, FromChild, ToChild } from './protocol';
import type { LibraryStage } from './stage';
import { toWire } from './wire';

export interface CallOutcome {
  /** 'ok': the function returned; otherwise why it did not. */
  readonly status: 'ok' | 'error' | 'timeout' | 'crash';
  readonly value?: string;
  readonly type?: string;
  readonly error?: Failure;
  readonly leaked?: number;
  readonly mutated?: boolean;
  readonly detail?: string;
  /** Forbidden library exports and platform features the call reached (the tripwire). */
  readonly tripped?: readonly string[];
}

export interface RunLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** For loading the file (the library and tfjs included). */
  readonly loadTimeoutMs: number;
}

export interface Call {
  readonly export: string;
  readonly args: readonly unknown[];
  /** The library exports and platform features the call's question forbids. */
  readonly forbid: readonly string[];
}

/** One file of a staged submission and the calls to make on it. */
export interface FileRun {
  /** The staged submission's folder, and the compiled file in it. */
  readonly submission: string;
  readonly file: string;
  readonly calls: readonly Call[];
}

export interface FileOutcome {
  /** Why the file did not load; then there are no call outcomes. */
  readonly loadFailure?: CallOutcome;
  readonly outcomes: readonly CallOutcome[];
}

type Loaded = Extract<FromChild, { type: 'loaded' | 'loadFailed' }>;
type Result = Extract<FromChild, { type: 'result' }>;
type Ended = { readonly type: 'timeout' } | { readonly type: 'exit'; readonly detail: (during: string) => string };

const PERMISSION = process.allowedNodeEnvironmentFlags.has('--permission')
  ? '--permission'
  : '--experimental-permission';

class Sandbox {
  private stderr = '';
  private ended?: Ended;
  private readonly child: ChildProcess;

  constructor(stage: LibraryStage, submission: string, memoryMb: number) {
    const config: ChildConfig = {
      library: stage.library,
      nodeModules: stage.nodeModules,
      readable: [
        path.join(stage.library, 'mp'),
        path.join(stage.library, 'quiz', 'errors.js'),
        submission,
        stage.nodeModules,
      ],
    };
    const readable = [...config.readable, stage.child];
    const node = [
      process.execPath,
      PERMISSION,
      ...readable.map((r) => `--allow-fs-read=${r}`),
      '--no-warnings',
      `--max-old-space-size=${memoryMb}`,
      stage.child,
      JSON.stringify(config),
    ];
    const options = {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'] as ['ignore', 'ignore', 'pipe', 'ipc'],
      cwd: stage.root, // a folder the child cannot read: process.cwd() leads nowhere
      env: process.platform === 'win32' ? { SystemRoot: process.env.SystemRoot ?? 'C:\\Windows' } : {},
    };
    // The heap limit does not cover typed arrays, which live outside it: on POSIX, RLIMIT_DATA caps all of the
    // process's memory (4× the heap limit, at least 1 GB), so a runaway allocation fails instead of the machine.
    const dataKb = Math.max(1024, 4 * memoryMb) * 1024;
    this.child =
      process.platform === 'win32'
        ? spawn(node[0]!, node.slice(1), options)
        : spawn('/bin/sh', ['-c', `ulimit -d ${dataKb} && exec "$0" "$@"`, ...node], options);
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.child.on('exit', (code, signal) => {
      const oom = /heap out of memory|Allocation failed/i.test(this.stderr);
      this.ended = {
        type: 'exit',
        detail: (during) =>
          oom
            ? `ran out of memory ${during} (the limit is ${memoryMb} MB)`
            : `the process ended ${during} (exit code ${code}${signal ? `, ${signal}` : ''}): did the code call process.exit?`,
      };
    });
  }

  /**
   * Waits for the message that `expected` accepts, the end of the process, or the time limit. Other
   * messages (submission code can call process.send too) are ignored.
   */
  next<T extends FromChild>(timeoutMs: number, expected: (m: FromChild) => m is T): Promise<T | Ended> {
    if (this.ended) return Promise.resolve(this.ended);
    return new Promise((resolve) => {
      const done = (r: T | Ended): void => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(r);
      };
      const onMessage = (m: FromChild): void => {
        if (expected(m)) done(m);
      };
      const onExit = (): void => void setImmediate(() => done(this.ended!));
      const timer = setTimeout(() => {
        this.kill();
        done({ type: 'timeout' });
      }, timeoutMs);
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  send(msg: ToChild): void {
    this.child.send(msg);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Starts the child; a child that cannot start is the grader's problem, not the submission's. */
  static async start(stage: LibraryStage, submission: string, memoryMb: number): Promise<Sandbox> {
    const box = new Sandbox(stage, submission, memoryMb);
    const first = await box.next(30_000, (m): m is FromChild => m.type === 'ready');
    if (first.type !== 'ready') {
      box.kill();
      throw new GradingError(`The grading process did not start (${first.type}): ${box.stderr}`);
    }
    return box;
  }
}

const timedOut = (ms: number, loading: boolean): CallOutcome => ({
  status: 'timeout',
  detail: loading
    ? `did not finish loading within ${ms} ms (an infinite loop at its top level?)`
    : `did not finish within ${ms} ms (an infinite loop?)`,
});

/** Loads the file in a fresh child; the child, or why the file did not load. */
async function loaded(stage: LibraryStage, run: FileRun, limits: RunLimits): Promise<Sandbox | CallOutcome> {
  const box = await Sandbox.start(stage, run.submission, limits.memoryMb);
  const guard = [...new Set(run.calls.flatMap((c) => c.forbid))];
  box.send({ type: 'load', file: run.file, guard });
  const reply = await box.next(
    limits.loadTimeoutMs,
    (m): m is Loaded => m.type === 'loaded' || m.type === 'loadFailed',
  );
  if (reply.type === 'loaded') return box;
  box.kill();
  if (reply.type === 'timeout') return timedOut(limits.loadTimeoutMs, true);
  if (reply.type === 'exit') return { status: 'crash', detail: reply.detail('while loading') };
  return { status: 'error', error: reply.error };
}

/** Loads one file in a fresh child and makes its calls; one outcome per call, or the load failure. */
export async function runFile(stage: LibraryStage, run: FileRun, limits: RunLimits): Promise<FileOutcome> {
  const outcomes: CallOutcome[] = [];
  let box: Sandbox | undefined;
  for (const [index, call] of run.calls.entries()) {
    if (!box) {
      const started = await loaded(stage, run, limits);
      if (!(started instanceof Sandbox)) {
        if (index === 0) return { loadFailure: started, outcomes };
        outcomes.push(started); // it loaded before, but not again after a crash
        continue;
      }
      box = started;
    }
    box.send({ type: 'call', index, export: call.export, args: toWire(call.args), forbid: call.forbid });
    const reply = await box.next(limits.timeoutMs, (m): m is Result => m.type === 'result' && m.index === index);
    if (reply.type === 'result') {
      const { error, value, valueType, leaked, mutated, tripped } = reply;
      outcomes.push(
        error
          ? { status: 'error', error, tripped }
          : { status: 'ok', value: value!, type: valueType!, leaked: leaked!, mutated: mutated!, tripped },
      );
    } else {
      outcomes.push(
        reply.type === 'timeout'
          ? timedOut(limits.timeoutMs, false)
          : { status: 'crash', detail: reply.detail('during the call') },
      );
      box.kill();
      box = undefined; // start afresh
    }
  }
  box?.kill();
  return { outcomes };
}

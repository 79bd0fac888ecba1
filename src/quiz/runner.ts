/**
 * Runs a submission's functions in a separate Node process (one for the whole submission), with a time
 * limit per call and a memory limit for the process. An infinite loop, a crash, process.exit or running out of memory ends only
 * that child: the case gets 0 points and a message, the remaining cases run in a fresh child.
 * Memory: a V8 heap limit, plus (on POSIX) a limit on all the process's data, typed arrays included.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { encode } from './wire';

export interface CallOutcome {
  /** 'ok': the function returned; otherwise why it did not. */
  readonly status: 'ok' | 'error' | 'timeout' | 'crash';
  readonly value?: string;
  readonly type?: string;
  readonly error?: { name: string; message: string };
  readonly leaked?: number;
  readonly mutated?: boolean;
  readonly detail?: string;
}

export interface RunLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

const CHILD = path.join(__dirname, 'child.ts');
const TSX = require.resolve('tsx/cjs');

function spawnChild(memoryMb: number): { child: ChildProcess; ready: Promise<void>; stderr: () => string } {
  let err = '';
  const node = [process.execPath, '--require', TSX, `--max-old-space-size=${memoryMb}`, CHILD];
  const stdio: ['ignore', 'ignore', 'pipe', 'ipc'] = ['ignore', 'ignore', 'pipe', 'ipc'];
  // The heap limit does not cover typed arrays, which live outside it: on POSIX, RLIMIT_DATA caps all of the
  // process's memory (4× the heap limit, at least 1 GB), so a runaway allocation fails instead of the machine.
  const dataKb = Math.max(1024, 4 * memoryMb) * 1024;
  const child =
    process.platform === 'win32'
      ? spawn(node[0]!, node.slice(1), { stdio })
      : spawn('/bin/sh', ['-c', `ulimit -d ${dataKb} && exec "$0" "$@"`, ...node], { stdio });
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the grading process did not start (exit ${code}): ${err}`)));
  });
  return { child, ready, stderr: () => err };
}

export interface Call {
  readonly file: string;
  readonly export: string;
  readonly args: readonly unknown[];
}

/** Makes each call in a child process (one child for all, replaced after a timeout or crash); one outcome per call. */
export async function runCalls(calls: readonly Call[], limits: RunLimits): Promise<CallOutcome[]> {
  const outcomes: CallOutcome[] = [];
  let current: ReturnType<typeof spawnChild> | undefined;
  for (let index = 0; index < calls.length; index++) {
    if (!current) {
      current = spawnChild(limits.memoryMb);
      await current.ready;
    }
    const proc = current;
    const outcome = await new Promise<CallOutcome>((resolve) => {
      const timer = setTimeout(() => {
        proc.child.kill('SIGKILL');
        resolve({ status: 'timeout', detail: `did not finish within ${limits.timeoutMs} ms (an infinite loop?)` });
      }, limits.timeoutMs);
      const onExit = (code: number | null, signal: string | null): void => {
        clearTimeout(timer);
        const oom = /heap out of memory|Allocation failed/i.test(proc.stderr());
        resolve({
          status: 'crash',
          detail: oom
            ? `ran out of memory (the limit is ${limits.memoryMb} MB)`
            : `the process ended during the call (exit code ${code}${signal ? `, ${signal}` : ''}): did the code call process.exit?`,
        });
      };
      proc.child.once('exit', onExit);
      proc.child.once(
        'message',
        (msg: { error?: CallOutcome['error']; value?: string; type?: string; leaked?: number; mutated?: boolean }) => {
          clearTimeout(timer);
          proc.child.off('exit', onExit);
          resolve(
            msg.error
              ? { status: 'error', error: msg.error }
              : { status: 'ok', value: msg.value!, type: msg.type!, leaked: msg.leaked!, mutated: msg.mutated! },
          );
        },
      );
      const call = calls[index]!;
      proc.child.send({ file: call.file, export: call.export, index, args: encode(call.args) });
    });
    outcomes.push(outcome);
    if (outcome.status === 'timeout' || outcome.status === 'crash') current = undefined; // start afresh
  }
  current?.child.kill('SIGKILL');
  return outcomes;
}

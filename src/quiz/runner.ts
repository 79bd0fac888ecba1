/**
 * Runs one submission file's calls for one profile in a fresh sandbox (sandbox.ts, child.ts), so that nothing
 * one file does, at load or call time, can change how another file's or another profile's cases run. The
 * file is loaded once, under its own limit: a file that hangs, throws, exits or runs out of memory while
 * loading is one load failure, and none of its cases waits for a timeout. Each call has a limit of CPU time;
 * after a timeout, a crash or a message the protocol does not allow, the remaining calls run in a fresh
 * sandbox, but after a function's second timeout its remaining calls fail rather than load the file again (a
 * hang in one exercise costs that exercise, not the others of the file). The limits count
 * CPU time, so code that mostly sleeps could hold a sandbox long in wall time: a submission's runs share a
 * wall-clock budget (WallBudget), after which their remaining calls fail. Nothing a sandbox does makes this
 * throw; a sandbox that cannot start is a GradingError.
 */
import { GradingError } from './errors';
import { MSG } from './messages';
import type { Failure, Reply } from './protocol';
import { Sandbox, type Ended, type SandboxSpec } from './sandbox';
import type { Text, Translated } from './text';
import { toWire } from './wire';

export interface CallOutcome {
  /** 'ok': the function returned; otherwise why it did not. */
  readonly status: 'ok' | 'error' | 'timeout' | 'crash';
  /** The returned value (decoded), its typeof, and what the harness measured. */
  readonly value?: unknown;
  readonly type?: string;
  readonly leaked?: number;
  readonly mutated?: boolean;
  readonly error?: Failure;
  /** For a timeout or crash: what happened, in the grader's own words. */
  readonly detail?: Text;
  /** What a hidden case shows instead of `detail`, where that names something the submission chose. */
  readonly hiddenDetail?: Text;
}

export interface RunLimits {
  /** CPU time per call, in ms. */
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** CPU time to start the sandbox and load the file (the library and tfjs included), in ms. */
  readonly loadTimeoutMs: number;
}

export interface Call {
  readonly export: string;
  readonly args: readonly unknown[];
}

/** One file of a staged submission, the profile to run it in, and the calls to make on it. */
export interface FileRun {
  readonly sandbox: Omit<SandboxSpec, 'memoryMb'>;
  readonly calls: readonly Call[];
}

export interface FileOutcome {
  /** Why the file did not load; then there are no call outcomes. */
  readonly loadFailure?: CallOutcome;
  readonly outcomes: readonly CallOutcome[];
}

type Result = Extract<Reply, { type: 'result' }>;

/** A function's timeouts after which its remaining calls fail, rather than load the file again (loads take long). */
const TIMEOUTS_BEFORE_GIVING_UP = 2;

/**
 * The wall-clock time a submission's sandboxes may spend waiting, together: the waits of runs in parallel add
 * up, so the budget is the same however many run at once. Only the waits on a sandbox count, not a wait for
 * a place in the pool.
 *
 *     const budget = new WallBudget(60_000);
 *     await runFile(run, limits, budget); // its calls fail once the runs sharing `budget` waited 60 s
 */
export class WallBudget {
  /**
   * The budget a submission gets, times the sum of its limits of CPU time (loads and calls), in wall time.
   * Correct code uses a small part of its limits even on a loaded machine; twice leaves room for a file that
   * times out on every case and is loaded again after each, while a submission that stalls holds a place of the
   * grading pool for minutes at most.
   */
  static readonly FACTOR = 2;
  private spentMs = 0;
  constructor(readonly ms: number) {}
  /** The result of `wait`, its wall time counted. */
  async timed<T>(wait: Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await wait;
    } finally {
      this.spentMs += Date.now() - start;
    }
  }
  get spent(): boolean {
    return this.spentMs >= this.ms;
  }
}

function ended(e: Ended, during: Translated): CallOutcome {
  switch (e.type) {
    case 'timeout':
      return { status: 'timeout', detail: e.detail };
    case 'exit':
      // an exit code or a signal is the submission's choice; running out of memory is not
      return {
        status: 'crash',
        detail: e.detail(during),
        ...(e.memory ? {} : { hiddenDetail: MSG.processEnded(during) }),
      };
    case 'violation':
      return { status: 'crash', detail: MSG.violation(e.detail, during) };
    case 'unstarted':
      throw new GradingError(`The grading sandbox did not start: ${e.detail}`);
  }
}

/** Starts a sandbox and loads the file; the sandbox, or why the file did not load. */
async function loaded(run: FileRun, limits: RunLimits, budget: WallBudget): Promise<Sandbox | CallOutcome> {
  const box = new Sandbox({ ...run.sandbox, memoryMb: limits.memoryMb });
  const reply = await budget.timed(box.next({ cpuMs: limits.loadTimeoutMs, what: MSG.finishLoading }));
  if (reply.type === 'loaded') return box;
  box.kill();
  if (reply.type === 'loadFailed') return { status: 'error', error: reply.error };
  if (reply.type === 'result') return ended({ type: 'violation', detail: MSG.answeredNobody }, MSG.whileLoading);
  return ended(reply, MSG.whileLoading);
}

/**
 * Loads one file in a fresh sandbox and makes its calls: one outcome per call, or the load failure. `budget`:
 * the wall-clock time left to the submission (by default, as long as its CPU-time limits allow).
 */
export async function runFile(
  run: FileRun,
  limits: RunLimits,
  budget = new WallBudget(Infinity),
): Promise<FileOutcome> {
  const outcomes: CallOutcome[] = [];
  let box: Sandbox | undefined;
  const timeouts = new Map<string, number>(); // by function
  const timedOut = (call: Call): void => void timeouts.set(call.export, (timeouts.get(call.export) ?? 0) + 1);
  for (const [index, call] of run.calls.entries()) {
    if (budget.spent || (timeouts.get(call.export) ?? 0) >= TIMEOUTS_BEFORE_GIVING_UP) {
      const detail = budget.spent ? MSG.overBudget((budget.ms / 1000).toFixed(1)) : MSG.timedOutTwice;
      outcomes.push({ status: 'timeout', detail });
      continue;
    }
    if (!box) {
      const started = await loaded(run, limits, budget);
      if (!(started instanceof Sandbox)) {
        if (index === 0) return { loadFailure: started, outcomes };
        if (started.status === 'timeout') timedOut(call);
        const detail = started.status === 'error' ? MSG.threwWhileLoading : started.detail!;
        outcomes.push({ status: 'crash', detail: MSG.loadAgain(detail) });
        continue;
      }
      box = started;
    }
    box.send({ type: 'call', index, export: call.export, args: toWire(call.args) });
    const reply = await budget.timed(box.next({ cpuMs: limits.timeoutMs, what: MSG.finish }));
    if (reply.type === 'timeout') timedOut(call);
    if (reply.type === 'result' && reply.index === index) {
      outcomes.push(outcomeOf(reply));
      continue;
    }
    const why =
      reply.type === 'loaded' || reply.type === 'loadFailed' || reply.type === 'result'
        ? ended({ type: 'violation', detail: MSG.outOfTurn }, MSG.duringCall)
        : ended(reply, MSG.duringCall);
    outcomes.push(why);
    box.kill();
    box = undefined; // start afresh
  }
  box?.kill();
  return { outcomes };
}

function outcomeOf(r: Result): CallOutcome {
  if ('error' in r) return { status: 'error', error: r.error };
  return { status: 'ok', value: r.value, type: r.valueType, leaked: r.leaked, mutated: r.mutated };
}

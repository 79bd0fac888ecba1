/** Timing helpers for the benchmarks: each figure is the median of several timed repetitions. */

export interface Timing {
  /** Median seconds per call. */
  readonly seconds: number;
  /** Seconds per call in each round. */
  readonly samples: readonly number[];
}

/**
 * `wall`: elapsed time; `cpu`: this process's CPU time, which other programs on a busy machine barely disturb where
 * the work runs on this process's own thread (wasm with one thread, numpy, torch with one thread).
 */
export type Clock = 'wall' | 'cpu';

/** The clock's reading in milliseconds. */
export function now(clock: Clock): number {
  if (clock === 'wall') return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Runs fn and returns its result with the share of one core this process had meanwhile (its CPU time over the
 * elapsed time): near 1 on an idle machine, far below where other programs take the cores.
 */
export async function withCoreShare<T>(fn: () => T | Promise<T>): Promise<{ result: T; share: number }> {
  const [wall, cpu] = [now('wall'), now('cpu')];
  const result = await fn();
  return { result, share: (now('cpu') - cpu) / (now('wall') - wall) };
}

/** Calls fn repeatedly for about `budgetMs`, after a warm-up, and returns the median time per call. */
export function time(fn: () => void, budgetMs = 400): Timing {
  for (let i = 0; i < 3; i++) fn(); // warm up: let the JIT compile the hot loop
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < budgetMs || samples.length < 5) {
    const t0 = performance.now();
    fn();
    samples.push((performance.now() - t0) / 1000);
  }
  return { seconds: median(samples), samples };
}

/** The middle value (the upper one of an even count). */
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/**
 * Median seconds per call of each function, measured in alternating rounds so that the noise of a shared
 * machine falls on all of them alike: the fair way to take ratios.
 */
export function timeAlternating(fns: (() => void)[], rounds = 15, callsPerRound = 5, clock: Clock = 'wall'): Timing[] {
  fns.forEach((fn) => time(fn, 50)); // warm up
  const samples = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      const t0 = now(clock);
      for (let k = 0; k < callsPerRound; k++) fn();
      samples[i]!.push((now(clock) - t0) / 1000 / callsPerRound);
    });
  }
  return samples.map((s) => ({ seconds: median(s), samples: s }));
}

/** Million elements per second. */
export const mps = (elements: number, t: Timing): number => elements / t.seconds / 1e6;

/** Prints an aligned table of rows. */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toFixed(c < 10 ? 2 : 0) : c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => String(r[j]).length)));
  console.log(`\n${title}`);
  cells.forEach((r, i) => {
    console.log(
      '  ' + r.map((c, j) => (j === 0 ? String(c).padEnd(widths[j]!) : String(c).padStart(widths[j]!))).join('  '),
    );
    if (i === 0) console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

/** Timing helpers for the benchmarks: each figure is the median of several timed repetitions. */

export interface Timing {
  /** Median seconds per call. */
  readonly seconds: number;
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
  samples.sort((a, b) => a - b);
  return { seconds: samples[samples.length >> 1]! };
}

/**
 * Median seconds per call of each function, measured in alternating rounds so that the noise of a shared
 * machine falls on all of them alike: the fair way to take ratios.
 */
export function timeAlternating(fns: (() => void)[], rounds = 15, callsPerRound = 5): Timing[] {
  fns.forEach((fn) => time(fn, 50)); // warm up
  const samples = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      for (let k = 0; k < callsPerRound; k++) fn();
      samples[i]!.push((performance.now() - t0) / 1000 / callsPerRound);
    });
  }
  return samples.map((s) => ({ seconds: s.sort((a, b) => a - b)[s.length >> 1]! }));
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

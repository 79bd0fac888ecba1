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

/** Measured costs per lesson, as a table and as JupyterHub singleuser limits. */

export interface LessonCost {
  readonly notebook: string;
  /** Wall time of the whole lesson. */
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly kernelPeakMiB: number;
  /** The kernel and its child processes together, sampled. */
  readonly treePeakMiB: number;
}

const fixed = (x: number, digits = 0): string => x.toFixed(digits);

export function table(costs: readonly LessonCost[], serverMiB: number, exercises: string, cores: number): string {
  const rows = costs.map((c) => [
    c.notebook.replace(/\.ipynb$/, ''),
    fixed(c.seconds, 1),
    fixed(c.cpuSeconds, 1),
    fixed(c.cpuSeconds / c.seconds, 2),
    fixed(c.kernelPeakMiB),
    fixed(c.treePeakMiB),
  ]);
  const header = ['lesson', 'wall s', 'CPU s', 'cores', 'kernel peak MiB', 'with children MiB'];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [
    `Per lesson, each in a fresh kernel, ${exercises} in exercises/ (${cores} cores here):`,
    line(header),
    ...rows.map(line),
    `JupyterLab server, idle: ${fixed(serverMiB)} MiB`,
  ].join('\n');
}

const roundUp = (mib: number, step: number): number => Math.ceil(mib / step) * step;

/**
 * Limits from the measurements: a student works in one lesson (guarantee: the server and the costliest
 * lesson's kernel with its children) but may leave a second kernel running (limit: two of them). CPU: the
 * kernel is busy on about one core while a cell runs, and idle while the student reads.
 */
export function suggestLimits(costs: readonly LessonCost[], serverMiB: number) {
  const kernel = Math.max(...costs.map((c) => c.treePeakMiB));
  const cores = Math.max(...costs.map((c) => c.cpuSeconds / c.seconds));
  const memGuaranteeMiB = roundUp(serverMiB + kernel, 128);
  const memLimitMiB = roundUp(serverMiB + 2 * kernel, 128);
  const cpuLimit = Math.max(1, Math.ceil(cores * 2) / 2);
  const setting = (line: string, why: string): string => `${line.padEnd(22)}# ${why}`;
  const text = [
    'Suggested Zero to JupyterHub settings (config.yaml):',
    'singleuser:',
    '  memory:',
    setting(`    guarantee: ${memGuaranteeMiB}M`, "server + the costliest lesson's kernel and its children"),
    setting(`    limit: ${memLimitMiB}M`, 'room for a second kernel left running'),
    '  cpu:',
    setting(`    limit: ${cpuLimit}`, `a running lesson keeps ${fixed(cores, 2)} cores busy at most`),
  ].join('\n');
  return { memGuaranteeMiB, memLimitMiB, cpuLimit, text };
}

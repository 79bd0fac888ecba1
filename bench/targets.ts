/** The project's speed targets: each bench part records its figure, and main prints them together. */
import { printTable } from './timing';

const rows: string[][] = [];

/** Records one figure: what it measures, the value now (a ratio, same run) and its target. */
export function recordTarget(figure: string, ratio: number, target: number): void {
  rows.push([figure, `${ratio.toFixed(2)}×`, `≤ ${target}×`, ratio <= target ? 'met' : 'not met']);
}

/** Records a figure that could not be measured here, with the reason. */
export function recordMissing(figure: string, target: number, reason: string): void {
  rows.push([figure, 'n/a', `≤ ${target}×`, reason]);
}

export function printTargets(): void {
  if (rows.length) printTable('Targets, ratios measured in this run', ['figure', 'now', 'target', ''], rows);
}

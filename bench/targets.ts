/**
 * The project's speed targets: each bench part records its figures, and main prints them together, one row a goal:
 * the figure, its value and spread, the target, and whether this run met it, with the measured reason where not.
 */
import * as os from 'os';
import { printTable } from './timing';

const rows: string[][] = [];

export interface TargetOptions {
  /** The target is a floor (a rate: higher is better) rather than a ceiling (a cost). */
  readonly atLeast?: boolean;
  /** A further goal, printed next to the target. */
  readonly stretch?: number;
  /** The lowest and highest value over the repetitions (or the quartiles, as the figure says). */
  readonly spread?: readonly [number, number];
  /** The share of one core this process had while measuring (see withCoreShare): the machine's load, as felt. */
  readonly coreShare?: number;
  /** Why the target was not met, from figures measured in the same run; printed only where it was not. */
  readonly reason?: string;
  /** How values and targets print: a ratio (×, the default) or seconds. */
  readonly unit?: '×' | ' s';
}

const format = (x: number, unit: string): string => `${x.toFixed(unit === '×' ? 2 : 0)}${unit}`;

/**
 * Records one figure: what it measures, the value now (a ratio against a baseline from the same run: the median
 * where it was measured several times), its target and whether this run met it.
 */
export function recordTarget(figure: string, value: number, target: number, options: TargetOptions = {}): void {
  const { atLeast = false, stretch, spread, coreShare, reason, unit = '×' } = options;
  const bound = atLeast ? '≥' : '≤';
  const met = (goal: number): boolean => (atLeast ? value >= goal : value <= goal);
  const status = met(target)
    ? stretch !== undefined && !met(stretch)
      ? `met; stretch not met${reason ? `: ${reason}` : ''}`
      : stretch !== undefined
        ? 'met, stretch too'
        : 'met'
    : `not met${reason ? `: ${reason}` : ''}`;
  rows.push([
    figure,
    format(value, unit),
    spread ? `${format(spread[0], unit)}–${format(spread[1], unit)}` : '',
    `${bound} ${target}${unit}`,
    stretch === undefined ? '' : `${bound} ${stretch}${unit}`,
    coreShare === undefined ? '' : `${Math.round(100 * coreShare)}%`,
    status,
  ]);
}

/** Records a figure that this run did not measure, with the reason (or where it is measured). */
export function recordMissing(figure: string, target: number, reason: string, options: TargetOptions = {}): void {
  const { atLeast = false, stretch, unit = '×' } = options;
  const bound = atLeast ? '≥' : '≤';
  rows.push([
    figure,
    'n/a',
    '',
    `${bound} ${target}${unit}`,
    stretch === undefined ? '' : `${bound} ${stretch}${unit}`,
    '',
    reason,
  ]);
}

export function printTargets(): void {
  if (rows.length === 0) return;
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  printTable(
    `Targets, ratios measured in this run (core: the share of one core this process had while measuring; load average now ${load} on ${os.availableParallelism()} cores)`,
    ['figure', 'now', 'spread', 'target', 'stretch', 'core', ''],
    rows,
  );
}

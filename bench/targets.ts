/** The project's speed targets: each bench part records its figures, and main prints them together. */
import { printTable } from './timing';

const rows: string[][] = [];

export interface TargetOptions {
  /** The target is a floor (a rate: higher is better) rather than a ceiling (a cost). */
  readonly atLeast?: boolean;
  /** A further goal, printed next to the target. */
  readonly stretch?: number;
  /** The lowest and highest value over the repetitions, where the figure was measured several times. */
  readonly spread?: readonly [number, number];
}

const ratio = (x: number): string => `${x.toFixed(2)}×`;

/**
 * Records one figure: what it measures, the value now (a ratio against a baseline from the same run: the median
 * where it was measured several times), its target and whether this run met it.
 */
export function recordTarget(figure: string, value: number, target: number, options: TargetOptions = {}): void {
  const { atLeast = false, stretch, spread } = options;
  const bound = atLeast ? '≥' : '≤';
  const met = (goal: number): boolean => (atLeast ? value >= goal : value <= goal);
  const status = met(target) ? (stretch !== undefined && met(stretch) ? 'met, stretch too' : 'met') : 'not met';
  rows.push([
    figure,
    ratio(value),
    spread ? `${ratio(spread[0])}–${ratio(spread[1])}` : '',
    `${bound} ${target}×`,
    stretch === undefined ? '' : `${bound} ${stretch}×`,
    status,
  ]);
}

/** Records a figure that could not be measured here, with the reason. */
export function recordMissing(figure: string, target: number, reason: string, options: TargetOptions = {}): void {
  rows.push([figure, 'n/a', '', `${options.atLeast ? '≥' : '≤'} ${target}×`, '', reason]);
}

export function printTargets(): void {
  if (rows.length === 0) return;
  printTable('Targets, ratios measured in this run', ['figure', 'now', 'spread', 'target', 'stretch', ''], rows);
}

/**
 * The one reader of a committed file of MNIST runs repeated over seeds (notebooks/data/*_runs.json), written by
 * a script that states its command in the file: runs too slow to train while a lesson executes, shown with
 * their spread over seeds and a caption saying what was run, where and how to run it again.
 *
 *     import file from './notebooks/data/pure_bf16_runs.json';
 *     const runs = mp.readSeedRuns(file);
 *     runs.variants[0];   // { label: 'float32 master weights', accuracies: [...], mean, min, max }
 *     runs.caption;       // 'Precomputed by npx tsx scripts/notebooks/pure_bf16_runs.ts on …'
 */
import { OptionError } from '../../mp/errors';

/** One run of the file: a variant's label, its seed and its test accuracy. */
export interface SeedRun {
  readonly label: string;
  readonly seed: number;
  readonly testAccuracy: number;
}

/** What the script writes. */
export interface SeedRunsFile {
  /** The command that writes the file, from the course root. */
  readonly command: string;
  /** When and where it ran (ISO date; backend; the machine in words). */
  readonly createdAt: string;
  readonly backend: string;
  readonly machine: string;
  /** The trainMnist options every run shares, in words (what differs is the label's). */
  readonly setting: string;
  readonly runs: readonly SeedRun[];
}

/** A variant's accuracies over the seeds, with their mean and range. */
export interface SeedVariant {
  readonly label: string;
  readonly seeds: number[];
  readonly accuracies: number[];
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** The variants of a file in the order they first appear, and a caption for the lesson. */
export interface SeedRuns {
  readonly variants: SeedVariant[];
  readonly caption: string;
  readonly setting: string;
}

/** Reads a runs file, checking its fields; throws OptionError naming the first missing or malformed one. */
export function readSeedRuns(file: unknown): SeedRuns {
  const f = file as Partial<SeedRunsFile> | null;
  for (const key of ['command', 'createdAt', 'backend', 'machine', 'setting'] as const) {
    if (typeof f?.[key] !== 'string') throw new OptionError(`The runs file has no ${key} (a string).`, key, f?.[key]);
  }
  if (!Array.isArray(f!.runs) || f!.runs.length === 0)
    throw new OptionError('The runs file has no runs.', 'runs', f!.runs);
  const data = f as SeedRunsFile;
  const byLabel = new Map<string, SeedRun[]>();
  for (const r of data.runs) {
    if (typeof r?.label !== 'string' || !Number.isInteger(r.seed) || !(r.testAccuracy >= 0 && r.testAccuracy <= 1))
      throw new OptionError(
        `A run needs a label, a whole seed and an accuracy in [0, 1]. Received: ${JSON.stringify(r)}`,
        'runs',
        r,
      );
    byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r]);
  }
  const variants = [...byLabel].map(([label, runs]) => {
    const accuracies = runs.map((r) => r.testAccuracy);
    return {
      label,
      seeds: runs.map((r) => r.seed),
      accuracies,
      mean: accuracies.reduce((s, a) => s + a, 0) / accuracies.length,
      min: Math.min(...accuracies),
      max: Math.max(...accuracies),
    };
  });
  const caption =
    `Precomputed by \`${data.command}\` on ${data.createdAt.slice(0, 10)} (${data.machine}, tfjs ${data.backend} backend): ` +
    `${data.setting}; ${variants[0]!.seeds.length} seeds per variant.`;
  return { variants, caption, setting: data.setting };
}

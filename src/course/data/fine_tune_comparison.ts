/**
 * The one reader of notebooks/data/qat_vs_amp.json: fine-tuning the skewed MNIST model with QAT and under AMP,
 * several seeds, each then converted to int8 (scripts/qat-vs-amp.ts writes it; the runs take longer than a
 * lesson may). A lesson passes the imported file through readFineTuneComparison and shows what comes back.
 *
 *     import runs from './notebooks/data/qat_vs_amp.json';
 *     readFineTuneComparison(runs).rows('QAT')   // one row per seed: its float and int8 test accuracy
 */
import { OptionError } from '../../mp/errors';
import type { FineTuneRow } from '../experiments/fine_tune';

export const FINE_TUNE_METHODS = ['QAT', 'AMP (mixed_float16)'] as const;

export interface FineTuneComparisonFile {
  readonly schema: 1;
  /** The command that wrote the file, and when and where it ran. */
  readonly command: string;
  readonly date: string;
  readonly backend: string;
  /** The float32 model every run starts from: trainMnist's options and its test accuracy. */
  readonly baseline: { readonly options: Readonly<Record<string, unknown>>; readonly testAccuracy: number };
  readonly skew: { readonly spread: number; readonly seed: number };
  readonly fineTune: { readonly limit: number; readonly learningRate: number; readonly calibrationBatches: number };
  /** The skewed model before fine-tuning: its float accuracy and its static PTQ int8 accuracy. */
  readonly skewed: { readonly floatAccuracy: number; readonly int8Accuracy: number };
  readonly rows: readonly FineTuneRow[];
}

const isAccuracy = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;

function check(data: unknown): FineTuneComparisonFile {
  const d = data as FineTuneComparisonFile;
  const problems = [
    d?.schema !== 1 && `schema must be 1 (received ${JSON.stringify(d?.schema)})`,
    typeof d?.command !== 'string' && 'command is missing',
    !isAccuracy(d?.baseline?.testAccuracy) && 'baseline.testAccuracy must be in [0, 1]',
    !(isAccuracy(d?.skewed?.floatAccuracy) && isAccuracy(d?.skewed?.int8Accuracy)) &&
      'skewed needs floatAccuracy and int8Accuracy in [0, 1]',
    !(Array.isArray(d?.rows) && d.rows.length > 0) && 'rows must be a non-empty list',
    ...(Array.isArray(d?.rows) ? d.rows : []).map(
      (r, i) =>
        !(FINE_TUNE_METHODS.includes(r.method) && isAccuracy(r.floatAccuracy) && isAccuracy(r.int8Accuracy)) &&
        `rows[${i}] needs a method (${FINE_TUNE_METHODS.join(', ')}) and two accuracies in [0, 1]`,
    ),
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) {
    throw new OptionError(`Not a qat_vs_amp.json file: ${problems.join('; ')}.`, 'data', data);
  }
  return d;
}

/** The runs of one qat_vs_amp.json, checked, with the summaries a lesson shows. */
export class FineTuneComparison {
  readonly data: FineTuneComparisonFile;

  constructor(data: unknown) {
    this.data = check(data);
  }

  rows(method: (typeof FINE_TUNE_METHODS)[number]): FineTuneRow[] {
    return this.data.rows.filter((r) => r.method === method);
  }

  /** Seeds on which the first method's int8 model beats the second's (runs are paired by seed). */
  wins(first: (typeof FINE_TUNE_METHODS)[number], second: (typeof FINE_TUNE_METHODS)[number]): number {
    const other = new Map(this.rows(second).map((r) => [r.seed, r.int8Accuracy]));
    return this.rows(first).filter((r) => r.int8Accuracy > (other.get(r.seed) ?? Infinity)).length;
  }

  /** Where the runs came from, for a caption. */
  source(): string {
    const { command, date, backend, fineTune: f } = this.data;
    return (
      `Precomputed with \`${command}\` on ${date.slice(0, 10)} (backend: ${backend}): each seed fine-tunes for one ` +
      `epoch on the first ${f.limit} training images (Adam, rate ${f.learningRate}); the AMP model is then ` +
      `calibrated on ${f.calibrationBatches} batches of 128 images for static PTQ. Accuracies on the 10 000 test images.`
    );
  }
}

/**
 *     readFineTuneComparison(runs).source()   // 'Precomputed with `npx tsx scripts/qat-vs-amp.ts` on …'
 */
export function readFineTuneComparison(data: unknown): FineTuneComparison {
  return new FineTuneComparison(data);
}

/**
 * Training curves for notebooks. `FitProgress` is a tfjs-layers callback for `model.fit`, and
 * `progressRecorder` an `onProgress` for `trainMnist`: both draw live progress in one output (progressDisplay)
 * and keep every loss they see; `lossCurvesFigure` draws the kept runs, one line per run.
 *
 *     const run = new FitProgress('mixed_bfloat16');
 *     await model.fit(x, y, { epochs: 2, batchSize: 128, validationSplit: 0.2, callbacks: run });
 *     showFigure(lossCurvesFigure('Training loss', [run]));
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionKeys, OptionError } from '../../mp/errors';
import type { Figure } from './figure';
import { progressDisplay, type ProgressLike } from './progress';

/** One recorded loss. `epoch` counts epochs done, fractionally, so runs with different batch counts line up. */
export interface LossPoint {
  readonly epoch: number;
  readonly loss: number;
}

/** What a recorder keeps of one run. */
export interface LossRecord {
  readonly label: string;
  readonly points: readonly LossPoint[];
  /** Validation accuracy at the end of each epoch (empty where the run does not validate). */
  readonly valAccuracy: readonly number[];
}

export interface RecorderOptions {
  /** Redraw the progress display every this many batches (and at each epoch's end). Default 5. */
  readonly every?: number;
  /** Draw progress at all (false: only record). Default true. */
  readonly show?: boolean;
}

function resolve(options: RecorderOptions): { every: number; show: boolean } {
  checkOptionKeys('RecorderOptions', options, ['every', 'show']);
  const { every = 5, show = true } = options;
  if (!Number.isInteger(every) || every < 1) {
    throw new OptionError(`every must be an integer ≥ 1. Received: ${String(every)}`, 'every', every);
  }
  return { every, show };
}

/** What tfjs passes a callback at the end of a batch or an epoch: a number, or a scalar not yet read. */
export type Logs = Record<string, number | tf.Scalar | undefined>;

async function valueOf(v: number | tf.Scalar | undefined): Promise<number> {
  if (v === undefined) return NaN;
  return typeof v === 'number' ? v : (await v.data())[0]!;
}

/**
 * A model.fit callback: records each batch's loss and each epoch's validation accuracy, and shows progress
 * in place every `every` batches.
 */
export class FitProgress extends tf.Callback implements LossRecord {
  readonly points: LossPoint[] = [];
  readonly valAccuracy: number[] = [];
  private readonly every: number;
  private readonly draw: ((p: ProgressLike) => void) | undefined;
  private epoch = 0;

  constructor(
    readonly label: string,
    options: RecorderOptions = {},
  ) {
    super();
    const { every, show } = resolve(options);
    this.every = every;
    this.draw = show ? progressDisplay(label) : undefined;
  }

  private get epochs(): number {
    return Number(this.params['epochs']);
  }

  private get batches(): number {
    return Math.ceil(Number(this.params['samples']) / Number(this.params['batchSize']));
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const loss = await valueOf(logs?.['loss']);
    const batches = this.batches;
    this.points.push({ epoch: this.epoch + (batch + 1) / batches, loss });
    if (this.draw && ((batch + 1) % this.every === 0 || batch + 1 === batches)) {
      this.draw({ epoch: this.epoch, epochs: this.epochs, batch: batch + 1, batches, loss });
      await tf.nextFrame();
    }
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const acc = logs?.['val_acc'] ?? logs?.['val_accuracy'];
    if (acc === undefined) return;
    const valAccuracy = await valueOf(acc);
    this.valAccuracy.push(valAccuracy);
    const last = this.points[this.points.length - 1];
    this.draw?.({
      epoch,
      epochs: this.epochs,
      batch: this.batches,
      batches: this.batches,
      loss: last?.loss ?? NaN,
      valAccuracy,
    });
  }
}

/**
 * An onProgress for trainMnist (or any loop that reports ProgressLike) that shows progress and records each
 * report's loss (trainMnist reports the running mean of the epoch's loss so far).
 */
export function progressRecorder(
  label: string,
  options: RecorderOptions = {},
): LossRecord & { readonly onProgress: (p: ProgressLike) => void } {
  const { show } = resolve(options);
  const draw = show ? progressDisplay(label) : undefined;
  const points: LossPoint[] = [];
  const valAccuracy: number[] = [];
  const onProgress = (p: ProgressLike): void => {
    if (p.valAccuracy !== undefined) valAccuracy.push(p.valAccuracy);
    else points.push({ epoch: p.epoch + p.batch / p.batches, loss: p.loss });
    draw?.(p);
  };
  return { label, points, valAccuracy, onProgress };
}

/** Loss against epochs, one line per recorded run. */
export function lossCurvesFigure(
  title: string,
  runs: readonly LossRecord[],
  axes: { y?: string; logY?: boolean } = {},
): Figure {
  checkOptionKeys('lossCurvesFigure', axes, ['y', 'logY']);
  if (runs.length === 0) throw new OptionError('runs must hold at least one recorded run.', 'runs', runs);
  return {
    data: runs.map((r) => ({
      type: 'scatter',
      mode: 'lines',
      name: r.label,
      x: r.points.map((p) => p.epoch),
      y: r.points.map((p) => p.loss),
    })),
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'epoch' } },
      yaxis: { title: { text: axes.y ?? 'training loss' }, ...(axes.logY ? { type: 'log' } : {}) },
    },
  };
}

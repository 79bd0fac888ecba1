/** The epoch loop every MNIST training run shares: seeded batches, one step each, progress, validation. */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { batchTensors, epochBatches } from './batches';
import { loadMnist } from './mnist';
import type { RecipeOptions } from './seed_mlp';
import type { RunOptions, RunResult } from './train';

export interface EpochLoop {
  /** The first `trainRows` rows of MNIST's training split train. */
  readonly trainRows: number;
  readonly recipe: Required<RecipeOptions>;
  readonly options: RunOptions;
  /** One optimizer step on a batch; returns the batch loss when `read` (a report is due: reading it syncs). */
  readonly step: (x: tf.Tensor2D, y: tf.Tensor2D, read: boolean) => number | undefined;
  /** The loss scale and skipped steps that progress reports carry. */
  readonly scaler: () => { readonly scale: number; readonly skipped: number };
  /** Validation accuracy, after each epoch. */
  readonly validate: () => number;
}

/** Runs the epochs; the loss reported is the mean of the batch losses read so far in the epoch. */
export async function runEpochs(loop: EpochLoop): Promise<RunResult['epochs']> {
  const { trainRows, recipe, options } = loop;
  const split = loadMnist().train;
  const { epochs, batchSize } = recipe;
  const rand = seedrandom.alea(String(recipe.seed));
  const batches = Math.ceil(trainRows / batchSize);
  const every = options.progressEvery ?? 50;
  const history: RunResult['epochs'] = [];
  const report = (epoch: number, batch: number, loss: number, valAccuracy?: number): void =>
    options.onProgress?.({
      epoch,
      epochs,
      batch,
      batches,
      loss,
      ...loop.scaler(),
      ...(valAccuracy === undefined ? {} : { valAccuracy }),
    });
  for (let epoch = 0; epoch < epochs; epoch++) {
    const epochStart = performance.now();
    const rows = epochBatches(trainRows, batchSize, rand);
    let lossSum = 0;
    let lossCount = 0;
    for (let b = 0; b < batches; b++) {
      const { x, y } = batchTensors(split, rows[b]!);
      const due = (b + 1) % every === 0 || b === batches - 1;
      const loss = loop.step(x, y, due);
      tf.dispose([x, y]);
      if (loss !== undefined) [lossSum, lossCount] = [lossSum + loss, lossCount + 1];
      if (due) {
        report(epoch, b + 1, lossSum / lossCount);
        await tf.nextFrame(); // let a notebook or terminal redraw
      }
    }
    const valAccuracy = loop.validate();
    history.push({ loss: lossSum / lossCount, valAccuracy, seconds: (performance.now() - epochStart) / 1000 });
    report(epoch, batches, lossSum / lossCount, valAccuracy);
  }
  return history;
}

/** A step's loss as a number (divided by `divisor`), disposed; undefined where the step returned none. */
export function readLoss(loss: tf.Scalar | null, divisor = 1): number | undefined {
  if (!loss) return undefined;
  const value = loss.dataSync()[0]! / divisor;
  loss.dispose();
  return value;
}

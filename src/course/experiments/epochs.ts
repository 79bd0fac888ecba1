/**
 * The epoch loop every MNIST training run shares: seeded batches, one step each, progress, validation.
 * Every read back is awaited (no dataSync), so the same loop runs on cpu, wasm and WebGPU.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { batchTensors, epochBatches } from './batches';
import { loadMnist } from './mnist';
import { RECIPE_OPTION_KEYS, type RecipeOptions } from './seed_mlp';

/** What every MNIST run takes: the recipe, a quick-run limit and progress reports. */
export interface RunOptions extends RecipeOptions {
  /** Use only the first N training images (quick runs). */
  readonly trainLimit?: number;
  readonly onProgress?: (p: Progress) => void;
  /** Report progress every this many batches (each report reads the loss back, awaited). */
  readonly progressEvery?: number;
}

/** RunOptions' keys, for checkOptionKeys. */
export const RUN_OPTION_KEYS = [...RECIPE_OPTION_KEYS, 'trainLimit', 'onProgress', 'progressEvery'] as const;

export interface Progress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
  readonly scale: number;
  readonly skipped: number;
  /** Validation accuracy, at the end of each epoch. */
  readonly valAccuracy?: number;
}

/** What every MNIST run reports. */
export interface RunResult {
  readonly policy: string;
  readonly testAccuracy: number;
  readonly valAccuracy: number;
  readonly seconds: number;
  readonly epochs: { readonly loss: number; readonly valAccuracy: number; readonly seconds: number }[];
}

export interface EpochLoop {
  /** The first `trainRows` rows of MNIST's training split train. */
  readonly trainRows: number;
  readonly recipe: Required<RecipeOptions>;
  readonly options: RunOptions;
  /** One optimizer step on a batch; resolves to the batch loss when `read` (a report is due: reading it waits). */
  readonly step: (x: tf.Tensor2D, y: tf.Tensor2D, read: boolean) => Promise<number | undefined>;
  /** The loss scale and skipped steps that progress reports carry. */
  readonly scaler: () => Promise<{ readonly scale: number; readonly skipped: number }>;
  /** Validation accuracy, after each epoch. */
  readonly validate: () => Promise<number>;
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
  const report = async (epoch: number, batch: number, loss: number, valAccuracy?: number): Promise<void> => {
    if (!options.onProgress) return;
    const scaler = await loop.scaler();
    options.onProgress({
      epoch,
      epochs,
      batch,
      batches,
      loss,
      ...scaler,
      ...(valAccuracy === undefined ? {} : { valAccuracy }),
    });
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    const epochStart = performance.now();
    const rows = epochBatches(trainRows, batchSize, rand);
    let lossSum = 0;
    let lossCount = 0;
    for (let b = 0; b < batches; b++) {
      const { x, y } = batchTensors(split, rows[b]!);
      const due = (b + 1) % every === 0 || b === batches - 1;
      const loss = await loop.step(x, y, due);
      tf.dispose([x, y]);
      if (loss !== undefined) [lossSum, lossCount] = [lossSum + loss, lossCount + 1];
      if (due) {
        await report(epoch, b + 1, lossSum / lossCount);
        await tf.nextFrame(); // let a notebook or terminal redraw
      }
    }
    const valAccuracy = await loop.validate();
    history.push({ loss: lossSum / lossCount, valAccuracy, seconds: (performance.now() - epochStart) / 1000 });
    await report(epoch, batches, lossSum / lossCount, valAccuracy);
  }
  return history;
}

/** A step's loss as a number (divided by `divisor`), read with an awaited read and disposed; undefined for none. */
export async function readLoss(loss: tf.Scalar | null, divisor = 1): Promise<number | undefined> {
  if (!loss) return undefined;
  try {
    return (await loss.data())[0]! / divisor;
  } finally {
    loss.dispose();
  }
}

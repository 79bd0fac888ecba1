/**
 * A lean training loop for the seed's MLP on MNIST under a precision policy. It reports progress through a
 * callback (the CLI draws a progress bar, a notebook updates a display) and knows neither.
 */
import * as tf from '@tensorflow/tfjs';
import {
  DisabledLossScaler,
  DynamicLossScaler,
  StaticLossScaler,
  type LossScaler,
  type ScalerStats,
} from '../../mp/amp/loss_scaler';
import { LossScaleOptimizer } from '../../mp/amp/optimizer';
import { policy as toPolicy, type Policy } from '../../mp/amp/policy';
import { trainingRows } from './batches';
import { readLoss, runEpochs } from './epochs';
import { loadMnist, type MnistSplit } from './mnist';
import { cachedRun, type CacheInfo } from './run_cache';
import { accuracyAsync, buildMlp, forward, SEED_MLP, seedRecipe, softmaxLoss, type RecipeOptions } from './seed_mlp';

/** What every MNIST run takes: the recipe, a quick-run limit and progress reports. */
export interface RunOptions extends RecipeOptions {
  /** Use only the first N training images (quick runs). */
  readonly trainLimit?: number;
  readonly onProgress?: (p: Progress) => void;
  /** Report progress every this many batches (each report reads the loss back, awaited). */
  readonly progressEvery?: number;
}

export interface TrainOptions extends RunOptions {
  readonly policy?: string | Policy;
  /** `dynamic` (torch's rule), `none`, a fixed scale, or a scaler. Default: dynamic where the policy needs it. */
  readonly lossScale?: 'dynamic' | 'none' | number | LossScaler;
  /**
   * Multiplies the loss before differentiation, shrinking every gradient by the same factor (as averaging
   * over many micro-batches does). Used to show float16 gradients underflowing.
   */
  readonly lossMultiplier?: number;
  /** Return the trained model (the caller disposes it) instead of disposing it. */
  readonly keepModel?: boolean;
  /**
   * Reuse a finished run with the same options from the run cache, or train and store it there
   * (run_cache.ts: `.cache/runs/` in the course folder, or `dir`). The result says which, in `cache`.
   */
  readonly cache?: boolean | { readonly dir: string };
}

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

export interface TrainResult extends RunResult {
  readonly scaler: ScalerStats & { readonly finalScale: number; readonly enabled: boolean };
  /** The trained model, with keepModel. */
  readonly model?: tf.Sequential;
  /** With the cache option: whether the run came from the cache, and its entry. */
  readonly cache?: CacheInfo;
}

function makeScaler(option: TrainOptions['lossScale'], p: Policy): LossScaler {
  if (typeof option === 'object') return option;
  if (typeof option === 'number') return new StaticLossScaler(option);
  if (option === 'none' || (option === undefined && !p.needsLossScaling)) return new DisabledLossScaler();
  return new DynamicLossScaler();
}

/** Rows from..to−1 of a split, as values (accuracy uploads them a batch at a time). */
function rowsOf(split: MnistSplit, from: number, to: number): { x: Float32Array; labels: Uint8Array } {
  const { inputs } = SEED_MLP;
  return { x: split.images.subarray(from * inputs, to * inputs), labels: split.labels.subarray(from, to) };
}

/**
 * Trains the seed's MLP on real MNIST and evaluates it on the 10 000 test images. Every read back is awaited
 * (no dataSync), so the same path runs on cpu, wasm and WebGPU.
 *
 *     const run = await trainMnist({ policy: 'mixed_float16', epochs: 2, trainLimit: 10_000, cache: true });
 */
export async function trainMnist(options: TrainOptions = {}): Promise<TrainResult> {
  return options.cache ? cachedRun(options, train) : train(options);
}

async function train(options: TrainOptions): Promise<TrainResult> {
  const p = toPolicy(options.policy ?? 'float32');
  const recipe = seedRecipe(options);
  const { learningRate, validationSplit, seed } = recipe;
  const mnist = loadMnist();
  const { used: n, train: nTrain } = trainingRows(mnist.train, options.trainLimit, validationSplit);
  const val = rowsOf(mnist.train, nTrain, n);
  const test = rowsOf(mnist.test, 0, mnist.test.count);

  const model = buildMlp(p, { seed });
  const scaler = makeScaler(options.lossScale, p);
  const optimizer = new LossScaleOptimizer(tf.train.adam(learningRate), scaler, p.variable);
  const multiplier = options.lossMultiplier ?? 1;
  const start = performance.now();
  const history = await runEpochs({
    trainRows: nTrain,
    recipe,
    options,
    step: async (x, y, read) =>
      readLoss(
        optimizer.minimize(
          () => tf.tidy(() => tf.mul(softmaxLoss(y, forward(model, x)), multiplier) as tf.Scalar),
          read,
        ),
        multiplier,
      ),
    scaler: async () => {
      const [scale, stats] = await Promise.all([scaler.readScale(), scaler.readStats()]);
      return { scale, skipped: stats.skipped };
    },
    validate: () => accuracyAsync(model, val.x, val.labels),
  });
  const seconds = (performance.now() - start) / 1000;
  const testAccuracy = await accuracyAsync(model, test.x, test.labels);
  await scaler.releaseAsync(); // its state back on the host: its tensors freed, and later reads cost nothing
  const result: TrainResult = {
    policy: p.name,
    testAccuracy,
    valAccuracy: history[history.length - 1]?.valAccuracy ?? NaN,
    seconds,
    scaler: { ...(await scaler.readStats()), finalScale: await scaler.readScale(), enabled: scaler.enabled },
    epochs: history,
    ...(options.keepModel ? { model } : {}),
  };
  if (!options.keepModel) model.dispose();
  optimizer.dispose();
  return result;
}

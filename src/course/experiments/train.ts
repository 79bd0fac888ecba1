/**
 * A lean training loop for the seed's MLP on MNIST under a precision policy. It reports progress through a
 * callback (the CLI draws a progress bar, a notebook updates a display) and knows neither.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionKeys } from '../../mp/errors';
import { DisabledLossScaler, DynamicLossScaler, StaticLossScaler, type LossScaler } from '../../mp/amp/loss_scaler';
import { LossScaleOptimizer } from '../../mp/amp/optimizer';
import { policy as toPolicy, type Policy } from '../../mp/amp/policy';
import { trainingRows } from './batches';
import { readLoss, runEpochs, RUN_OPTION_KEYS } from './epochs';
import { loadMnist, type MnistSplit } from './mnist';
import { cachedRun } from './run_cache';
import { accuracy, buildMlp, forward, MNIST_MLP, seedRecipe, softmaxLoss } from './seed_mlp';
import type { TrainOptions, TrainResult } from './train_options';

/** The loss scaler `option` asks for; by default a dynamic one where the policy needs loss scaling, else none. */
export function makeScaler(option: TrainOptions['lossScale'], p: Policy): LossScaler {
  if (typeof option === 'object') return option;
  if (typeof option === 'number') return new StaticLossScaler(option);
  if (option === 'none' || (option === undefined && !p.needsLossScaling)) return new DisabledLossScaler();
  return new DynamicLossScaler();
}

/** loss·multiplier; the loss itself for 1, whose product (and its gradient) changes no bit. */
function scaled(loss: tf.Scalar, multiplier: number): tf.Scalar {
  return multiplier === 1 ? loss : tf.mul(loss, multiplier);
}

/** Rows from..to−1 of a split, as values (accuracy uploads them a batch at a time). */
function rowsOf(split: MnistSplit, from: number, to: number): { x: Float32Array; labels: Uint8Array } {
  const { inputs } = MNIST_MLP;
  return { x: split.images.subarray(from * inputs, to * inputs), labels: split.labels.subarray(from, to) };
}

/**
 * Trains the seed's MLP on real MNIST and evaluates it on the 10 000 test images. Every read back is awaited
 * (no dataSync), so the same path runs on cpu, wasm and WebGPU.
 *
 *     const run = await trainMnist({ policy: 'mixed_float16', epochs: 2, trainLimit: 10_000, cache: true });
 */
export async function trainMnist(options: TrainOptions = {}): Promise<TrainResult> {
  checkOptionKeys('trainMnist', options, [
    ...RUN_OPTION_KEYS,
    'policy',
    'lossScale',
    'lossMultiplier',
    'keepModel',
    'cache',
  ]);
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
        optimizer.minimize(() => tf.tidy(() => scaled(softmaxLoss(y, forward(model, x)), multiplier)), read),
        multiplier,
      ),
    scaler: async () => {
      const [scale, stats] = await Promise.all([scaler.readScale(), scaler.readStats()]);
      return { scale, skipped: stats.skipped };
    },
    validate: () => accuracy(model, val.x, val.labels),
  });
  const seconds = (performance.now() - start) / 1000;
  const testAccuracy = await accuracy(model, test.x, test.labels);
  await scaler.release(); // its state back on the host: its tensors freed, and later reads cost nothing
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

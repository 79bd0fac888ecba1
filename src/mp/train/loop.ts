/**
 * A lean training loop for the seed's MLP on MNIST under a precision policy. It reports progress through a
 * callback (the CLI draws a progress bar, a notebook updates a display) and knows neither.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import {
  DisabledLossScaler,
  DynamicLossScaler,
  StaticLossScaler,
  type LossScaler,
  type ScalerStats,
} from '../amp/loss_scaler';
import { LossScaleOptimizer } from '../amp/optimizer';
import { policy as toPolicy, type Policy } from '../amp/policy';
import { loadMnist, type MnistSplit } from '../data/mnist';
import { batchTensors, shuffled } from './batches';
import { accuracy, buildMlp, forward, softmaxLoss } from './mlp';

export interface TrainOptions {
  readonly policy?: string | Policy;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Fraction of the training set held out for validation, as the seed's validation_split. */
  readonly validationSplit?: number;
  /** `dynamic` (torch's rule), `none`, a fixed scale, or a scaler. Default: dynamic where the policy needs it. */
  readonly lossScale?: 'dynamic' | 'none' | number | LossScaler;
  /**
   * Multiplies the loss before differentiation, shrinking every gradient by the same factor (as averaging
   * over many micro-batches does). Used to show float16 gradients underflowing.
   */
  readonly lossMultiplier?: number;
  /** Use only the first N training images (quick runs). */
  readonly trainLimit?: number;
  readonly seed?: number;
  readonly onProgress?: (p: Progress) => void;
  /** Return the trained model (the caller disposes it) instead of disposing it. */
  readonly keepModel?: boolean;
  /** Report progress every this many batches (each report reads the loss back: a sync). */
  readonly progressEvery?: number;
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

export interface TrainResult {
  readonly policy: string;
  readonly testAccuracy: number;
  readonly valAccuracy: number;
  readonly seconds: number;
  readonly scaler: ScalerStats & { readonly finalScale: number; readonly enabled: boolean };
  readonly epochs: { readonly loss: number; readonly valAccuracy: number; readonly seconds: number }[];
  /** The trained model, with keepModel. */
  readonly model?: tf.Sequential;
}

function makeScaler(option: TrainOptions['lossScale'], p: Policy): LossScaler {
  if (typeof option === 'object') return option;
  if (typeof option === 'number') return new StaticLossScaler(option);
  if (option === 'none' || (option === undefined && !p.needsLossScaling)) return new DisabledLossScaler();
  return new DynamicLossScaler();
}

function toTensors(split: MnistSplit, from: number, to: number): { x: tf.Tensor2D; labels: Uint8Array } {
  return {
    x: tf.tensor2d(split.images.subarray(from * 784, to * 784), [to - from, 784]),
    labels: split.labels.subarray(from, to),
  };
}

/** Trains the seed's MLP on real MNIST and evaluates it on the 10 000 test images. */
export async function trainMnist(options: TrainOptions = {}): Promise<TrainResult> {
  const p = toPolicy(options.policy ?? 'float32');
  const { epochs = 5, batchSize = 128, learningRate = 1e-3, validationSplit = 0.2, seed = 0 } = options;
  const mnist = loadMnist();
  const n = Math.min(options.trainLimit ?? mnist.train.count, mnist.train.count);
  const nTrain = Math.round(n * (1 - validationSplit)); // Keras takes the validation set from the end
  const val = toTensors(mnist.train, nTrain, n);
  const test = toTensors(mnist.test, 0, mnist.test.count);

  const model = buildMlp(p, { seed });
  const scaler = makeScaler(options.lossScale, p);
  const optimizer = new LossScaleOptimizer(tf.train.adam(learningRate), scaler, p.variable);
  const multiplier = options.lossMultiplier ?? 1;
  const rand = seedrandom.alea(String(seed));
  const batches = Math.ceil(nTrain / batchSize);
  const every = options.progressEvery ?? 50;
  const history: TrainResult['epochs'] = [];
  const start = performance.now();

  for (let epoch = 0; epoch < epochs; epoch++) {
    const epochStart = performance.now();
    const order = shuffled(nTrain, rand);
    let lossSum = 0;
    let lossCount = 0;
    for (let b = 0; b < batches; b++) {
      const { x: xb, y: yb } = batchTensors(mnist.train, order.subarray(b * batchSize, (b + 1) * batchSize));
      const report = (b + 1) % every === 0 || b === batches - 1;
      const loss = optimizer.minimize(
        () => tf.tidy(() => tf.mul(softmaxLoss(yb, forward(model, xb)), multiplier) as tf.Scalar),
        report,
      );
      tf.dispose([xb, yb]);
      if (loss) {
        lossSum += loss.dataSync()[0]! / multiplier;
        lossCount += 1;
        loss.dispose();
        options.onProgress?.({
          epoch,
          epochs,
          batch: b + 1,
          batches,
          loss: lossSum / lossCount,
          scale: scaler.scale,
          skipped: scaler.stats.skipped,
        });
        await tf.nextFrame(); // let a notebook or terminal redraw
      }
    }
    const valAccuracy = accuracy(model, val.x, val.labels);
    history.push({ loss: lossSum / lossCount, valAccuracy, seconds: (performance.now() - epochStart) / 1000 });
    options.onProgress?.({
      epoch,
      epochs,
      batch: batches,
      batches,
      loss: lossSum / lossCount,
      scale: scaler.scale,
      skipped: scaler.stats.skipped,
      valAccuracy,
    });
  }
  const seconds = (performance.now() - start) / 1000;
  const result: TrainResult = {
    policy: p.name,
    testAccuracy: accuracy(model, test.x, test.labels),
    valAccuracy: history[history.length - 1]?.valAccuracy ?? NaN,
    seconds,
    scaler: { ...scaler.stats, finalScale: scaler.scale, enabled: scaler.enabled },
    epochs: history,
    ...(options.keepModel ? { model } : {}),
  };
  tf.dispose([val.x, test.x]);
  if (!options.keepModel) model.dispose();
  optimizer.dispose();
  return result;
}

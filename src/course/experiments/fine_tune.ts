/**
 * Fine-tuning a trained stack of dense layers two ways, then converting it to int8: with fake quantization in
 * the loop (QAT, fineTuneQat) or under an AMP policy (float16 arithmetic, float32 master weights). Both are
 * "training in low precision"; only the first shows the training the integer grid it will be converted to.
 *
 *     const rows = await fineTuneComparison(skewed, { seeds: [0, 1, 2] });
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { LossScaleOptimizer } from '../../mp/amp/optimizer';
import { policy as toPolicy } from '../../mp/amp/policy';
import { checkOptionKeys } from '../../mp/errors';
import { staticQuantize } from '../models/ptq';
import { QatMlp } from '../models/qat';
import { denseForward, denseStackOf, type DenseLayerWeights } from '../models/stack';
import { argmaxAccuracy, batchTensors, epochBatches } from './batches';
import { loadMnist } from './mnist';
import { fineTuneQat } from './qat';
import { buildMlp, forward, MNIST_MLP, softmaxLoss } from './seed_mlp';
import { makeScaler } from './train';

export interface FineTuneOptions {
  /** Training images used, the first `limit` (default 6000), for one epoch. */
  readonly limit?: number;
  /** Adam's rate (default 1e-3). */
  readonly learningRate?: number;
  /** Calibration batches of 128 training images for the AMP model's static PTQ (default 10). */
  readonly calibrationBatches?: number;
  readonly seeds?: readonly number[];
}

export interface FineTuneRow {
  readonly method: 'QAT' | 'AMP (mixed_float16)';
  readonly seed: number;
  /** The fine-tuned float model (QAT's weights without its fake quantizers) on the 10 000 test images. */
  readonly floatAccuracy: number;
  /** Its int8 model: QAT converted, AMP through static PTQ. */
  readonly int8Accuracy: number;
}

/** One epoch of Adam on the first `limit` training images under `policy`, from `stack`'s weights. */
export async function fineTuneUnderPolicy(
  stack: readonly DenseLayerWeights[],
  policy: string,
  options: { limit: number; learningRate: number; seed: number },
): Promise<DenseLayerWeights[]> {
  const p = toPolicy(policy);
  const model = buildMlp(p, { hidden: stack[0]!.outputs });
  const initial = stack.flatMap((l) => [tf.tensor2d(l.kernel, [l.inputs, l.outputs]), tf.tensor1d(l.bias)]);
  model.setWeights(initial);
  tf.dispose(initial);
  const optimizer = new LossScaleOptimizer(tf.train.adam(options.learningRate), makeScaler(undefined, p), p.variable);
  const { train } = loadMnist();
  try {
    for (const rows of epochBatches(options.limit, MNIST_MLP.batchSize, seedrandom.alea(String(options.seed)))) {
      const { x, y } = batchTensors(train, rows);
      optimizer.minimize(() => tf.tidy(() => softmaxLoss(y, forward(model, x))), false);
      tf.dispose([x, y]);
    }
    return await denseStackOf(model);
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** QAT and AMP fine-tuning of `stack`, one row per method and seed, scored on MNIST's 10 000 test images. */
export async function fineTuneComparison(
  stack: readonly DenseLayerWeights[],
  options: FineTuneOptions = {},
): Promise<FineTuneRow[]> {
  checkOptionKeys('fineTuneComparison', options, ['limit', 'learningRate', 'calibrationBatches', 'seeds']);
  const { limit = 6000, learningRate = 1e-3, calibrationBatches = 10, seeds = [0, 1, 2] } = options;
  const { train, test } = loadMnist();
  const batch = MNIST_MLP.batchSize * MNIST_MLP.inputs;
  const calibration = Array.from({ length: calibrationBatches }, (_, b) =>
    train.images.subarray(b * batch, (b + 1) * batch),
  );
  const floatAccuracy = (s: readonly DenseLayerWeights[]): number =>
    argmaxAccuracy(
      s.reduce((h, l) => denseForward(l, h, test.count), test.images),
      test.labels,
    );
  const rows: FineTuneRow[] = [];
  for (const seed of seeds) {
    const qat = new QatMlp(stack);
    await fineTuneQat(qat, train, { limit, learningRate, seed });
    const int8 = await qat.convert();
    rows.push({
      method: 'QAT',
      seed,
      floatAccuracy: floatAccuracy(await qat.toStack()),
      int8Accuracy: argmaxAccuracy(int8.predict(test.images, test.count), test.labels),
    });
    qat.dispose();
    const amp = await fineTuneUnderPolicy(stack, 'mixed_float16', { limit, learningRate, seed });
    rows.push({
      method: 'AMP (mixed_float16)',
      seed,
      floatAccuracy: floatAccuracy(amp),
      int8Accuracy: argmaxAccuracy(staticQuantize(amp, calibration).predict(test.images, test.count), test.labels),
    });
  }
  return rows;
}

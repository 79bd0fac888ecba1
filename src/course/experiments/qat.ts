/** Step 2 of QAT on MNIST: fine-tuning a QatMlp with fake quantization in the loop. */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { QatMlp } from '../models/qat';
import { batchTensors, epochBatches } from './batches';
import type { MnistSplit } from './mnist';
import { MNIST_MLP, softmaxLoss } from './seed_mlp';
import { checkOptionKeys } from '../../mp/errors';

export const QAT_OPTION_KEYS = ['epochs', 'batchSize', 'learningRate', 'seed', 'limit'] as const;

export interface QatTrainOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  /** QAT fine-tunes a trained model: a small rate (default 1e-4). */
  readonly learningRate?: number;
  readonly seed?: number;
  /** Train on the first N images only. */
  readonly limit?: number;
}

/**
 * Fine-tunes `qat` on `split` with Adam; the activation observers follow the batches (torch's QAT). Each step
 * observes its batch with awaited reads, then trains on forwardWith: the same path on every backend.
 *
 *     await fineTuneQat(new QatMlp(stack), loadMnist().train, { limit: 6000 });
 */
export async function fineTuneQat(qat: QatMlp, split: MnistSplit, options: QatTrainOptions = {}): Promise<void> {
  checkOptionKeys('fineTuneQat', options, QAT_OPTION_KEYS);
  const { epochs = 1, batchSize = MNIST_MLP.batchSize, learningRate = 1e-4, seed = 0 } = options;
  const n = Math.min(options.limit ?? split.count, split.count);
  const optimizer = tf.train.adam(learningRate);
  const rand = seedrandom.alea(String(seed));
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const rows of epochBatches(n, batchSize, rand)) {
        const { x, y } = batchTensors(split, rows);
        try {
          const q = await qat.observe(x);
          optimizer.minimize(() => softmaxLoss(y, qat.forwardWith(x, q)), false, qat.variables);
        } finally {
          tf.dispose([x, y]);
        }
      }
    }
  } finally {
    optimizer.dispose();
  }
}

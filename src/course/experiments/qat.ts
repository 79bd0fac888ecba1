/** Step 2 of QAT on MNIST: fine-tuning a QatMlp with fake quantization in the loop. */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { QatMlp } from '../models/qat';
import { batchTensors, epochBatches } from './batches';
import type { MnistSplit } from './mnist';
import { read, runAsync, runSync, type Reading } from './reads';
import { MNIST_MLP, softmaxLoss } from './seed_mlp';

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
 * Fine-tunes `qat` on `split` with Adam; the activation observers follow the batches (torch's QAT). Reads with
 * dataSync (cpu, wasm); on WebGPU use fineTuneQatAsync.
 */
export function fineTuneQat(qat: QatMlp, split: MnistSplit, options: QatTrainOptions = {}): void {
  runSync(fineTuning(qat, split, options));
}

/** fineTuneQat with awaited reads (observeAsync, then a step on forwardWith): the same weights, any backend. */
export function fineTuneQatAsync(qat: QatMlp, split: MnistSplit, options: QatTrainOptions = {}): Promise<void> {
  return runAsync(fineTuning(qat, split, options));
}

function* fineTuning(qat: QatMlp, split: MnistSplit, options: QatTrainOptions): Reading<void> {
  const { epochs = 1, batchSize = MNIST_MLP.batchSize, learningRate = 1e-4, seed = 0 } = options;
  const n = Math.min(options.limit ?? split.count, split.count);
  const optimizer = tf.train.adam(learningRate);
  const rand = seedrandom.alea(String(seed));
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const rows of epochBatches(n, batchSize, rand)) {
        const { x, y } = batchTensors(split, rows);
        try {
          // sync: forward(x, true) observes as it goes; async: the qparams are found first, with awaited reads
          const q = yield* read({ sync: () => undefined, async: () => qat.observeAsync(x) });
          const logits = (): tf.Tensor => (q ? qat.forwardWith(x, q) : qat.forward(x, true));
          optimizer.minimize(() => softmaxLoss(y, logits()), false, qat.variables);
        } finally {
          tf.dispose([x, y]);
        }
      }
    }
  } finally {
    optimizer.dispose();
  }
}

/**
 * One table for the seed's Q2: fp32, static PTQ int8, dynamic int8, QAT int8 and FP8 on MNIST's test set,
 * with model sizes, plus a check of the integer path against the fake-quantized model it came from. Every
 * read back is awaited, so it runs on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { Fp8Mlp } from '../models/fp8_mlp';
import { staticQuantize, DynamicInt8Mlp, type CalibrationObserver } from '../models/ptq';
import { QatMlp } from '../models/qat';
import { denseForward, denseStackOf } from '../models/stack';
import type { QuantizationRow } from '../viz/quantization';
import { argmaxAccuracy } from './batches';
import { loadMnist } from './mnist';
import { fineTuneQat, type QatTrainOptions } from './qat';
import { MNIST_MLP } from './seed_mlp';
import { checkOptionKeys } from '../../mp/errors';

export interface IntegerCheck {
  /** Test images where int8 inference and the fake-quantized float model predict different digits. */
  readonly differing: number;
  readonly total: number;
  /** The largest top-2 logit margin of the fake-quantized model among those images, in units of the output scale. */
  readonly maxMarginInSteps: number;
}

const COMPARE_OPTION_KEYS = ['calibrationBatches', 'observer', 'qat'];

export interface CompareOptions {
  /** Calibration batches of MNIST_MLP.batchSize training images for static PTQ and FP8 (default 10). */
  readonly calibrationBatches?: number;
  readonly observer?: CalibrationObserver;
  readonly qat?: QatTrainOptions;
}

export interface Comparison {
  readonly rows: QuantizationRow[];
  readonly integerCheck: IntegerCheck;
}

/**
 * Every quantized variant of a trained model of dense layers (buildMlp's), each scored on MNIST's 10 000 test
 * images: the rows of lesson 2's table, and the QAT model's integer path checked against its fake-quantized self.
 *
 *     const { rows, integerCheck } = await compareQuantization(model, { calibrationBatches: 10 });
 */
export async function compareQuantization(model: tf.Sequential, options: CompareOptions = {}): Promise<Comparison> {
  checkOptionKeys('compareQuantization', options, COMPARE_OPTION_KEYS);
  const { train, test } = loadMnist();
  const stack = await denseStackOf(model);
  const batch = MNIST_MLP.batchSize * MNIST_MLP.inputs;
  const calibration = Array.from({ length: options.calibrationBatches ?? 10 }, (_, b) =>
    train.images.subarray(b * batch, (b + 1) * batch),
  );
  const rows: QuantizationRow[] = [];
  const accuracyOf = (predict: (x: Float32Array, rows: number) => Float32Array): number =>
    argmaxAccuracy(predict(test.images, test.count), test.labels);
  const floatBytes = stack.reduce((s, l) => s + 4 * (l.kernel.length + l.bias.length), 0);

  const fp32 = accuracyOf((x, n) => stack.reduce((h, l) => denseForward(l, h, n), x));
  rows.push({ method: 'float32', testAccuracy: fp32, bytes: floatBytes, detail: 'the trained model' });

  const ptq = staticQuantize(stack, calibration, options.observer);
  rows.push({
    method: 'static PTQ int8',
    testAccuracy: accuracyOf((x, n) => ptq.predict(x, n)),
    bytes: ptq.bytes,
    detail: `${calibration.length} calibration batches, ${options.observer ?? 'minmax'} observer`,
  });

  const dynamic = new DynamicInt8Mlp(stack);
  rows.push({
    method: 'dynamic int8',
    testAccuracy: accuracyOf((x, n) => dynamic.predict(x, n)),
    bytes: dynamic.bytes,
    detail: 'int8 weights; activations quantized per batch at run time',
  });

  const qat = new QatMlp(stack);
  await fineTuneQat(qat, train, options.qat);
  const int8 = await qat.convert();
  const intLogits = int8.predict(test.images, test.count);
  const fakeLogits = await fakeQuantLogits(qat, test.images, test.count);
  rows.push({
    method: 'QAT int8',
    testAccuracy: argmaxAccuracy(intLogits, test.labels),
    bytes: int8.bytes,
    detail: `fine-tuned ${options.qat?.epochs ?? 1} epoch with fake quantization, then integer inference`,
  });
  const integerCheck = compareArgmax(fakeLogits, intLogits, test.count, int8.layers.at(-1)!.output.scale);
  qat.dispose();

  const fp8 = new Fp8Mlp(stack, calibration);
  rows.push({
    method: 'FP8 (e4m3)',
    testAccuracy: accuracyOf((x, n) => fp8.predict(x, n)),
    bytes: fp8.bytes,
    detail: 'per-tensor delayed scaling (amax history 16)',
  });
  return { rows, integerCheck };
}

/** The fake-quantized model's logits on `rows` images. */
async function fakeQuantLogits(qat: QatMlp, images: Float32Array, rows: number): Promise<Float32Array> {
  const q = await qat.qparams();
  const logits = tf.tidy(() => qat.forwardWith(tf.tensor2d(images, [rows, MNIST_MLP.inputs]), q));
  try {
    return (await logits.data()) as Float32Array;
  } finally {
    logits.dispose();
  }
}

function top2(logits: Float32Array, r: number): [number, number] {
  const { classes } = MNIST_MLP;
  const row = Array.from(logits.subarray(r * classes, (r + 1) * classes));
  const order = row.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0]);
  return [order[0]![1], order[0]![0] - order[1]![0]];
}

function compareArgmax(fake: Float32Array, int: Float32Array, rows: number, outputScale: number): IntegerCheck {
  let differing = 0;
  let maxMargin = 0;
  for (let r = 0; r < rows; r++) {
    const [a, margin] = top2(fake, r);
    if (a !== top2(int, r)[0]) {
      differing++;
      maxMargin = Math.max(maxMargin, margin / outputScale);
    }
  }
  return { differing, total: rows, maxMarginInSteps: maxMargin };
}

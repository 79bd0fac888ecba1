/**
 * One table for the seed's Q2: float32, static PTQ int8, dynamic int8 and QAT int8 on MNIST's test set, with
 * model sizes and which test images each model gets right (for McNemar's test between two of them), plus a check
 * of the integer path against the fake-quantized model it came from. Every read back is awaited, so it runs on
 * every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { staticQuantize, DynamicInt8Mlp, type CalibrationObserver } from '../models/ptq';
import { QatMlp } from '../models/qat';
import { denseStackOf } from '../models/stack';
import type { QuantizationRow } from '../viz/quantization';
import { argmaxAccuracy, correctRows } from './batches';
import { loadMnist } from './mnist';
import { fineTuneQat, type QatTrainOptions } from './qat';
import { EVAL_BATCH, forward, MNIST_MLP } from './seed_mlp';
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
  /** Calibration batches of MNIST_MLP.batchSize training images for static PTQ (default 10). */
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
  const scored = (logits: Float32Array): Pick<QuantizationRow, 'testAccuracy' | 'correct'> => ({
    testAccuracy: argmaxAccuracy(logits, test.labels),
    correct: correctRows(logits, test.labels),
  });
  const floatBytes = stack.reduce((s, l) => s + 4 * (l.kernel.length + l.bias.length), 0);

  rows.push({
    method: 'float32',
    ...scored(await floatLogits(model, test.images, test.count)),
    bytes: floatBytes,
    detail: 'the trained model',
  });

  const ptq = staticQuantize(stack, calibration, options.observer);
  rows.push({
    method: 'static PTQ int8',
    ...scored(ptq.predict(test.images, test.count)),
    bytes: ptq.bytes,
    detail: `${calibration.length} calibration batches, ${options.observer ?? 'minmax'} observer`,
  });

  const dynamic = new DynamicInt8Mlp(stack);
  rows.push({
    method: 'dynamic int8',
    ...scored(inBatches(test.images, test.count, MNIST_MLP.batchSize, (x, n) => dynamic.predict(x, n))),
    bytes: dynamic.bytes,
    detail: `int8 weights; activations quantized per batch of ${MNIST_MLP.batchSize} at run time`,
  });

  const qat = new QatMlp(stack);
  await fineTuneQat(qat, train, options.qat);
  const int8 = await qat.convert();
  const intLogits = int8.predict(test.images, test.count);
  const fakeLogits = await fakeQuantLogits(qat, test.images, test.count);
  rows.push({
    method: 'QAT int8',
    ...scored(intLogits),
    bytes: int8.bytes,
    detail: `fine-tuned ${options.qat?.epochs ?? 1} epoch on ${options.qat?.limit ?? train.count} images with fake quantization, then integer inference`,
  });
  const integerCheck = compareArgmax(fakeLogits, intLogits, test.count, int8.layers.at(-1)!.output.scale);
  qat.dispose();
  return { rows, integerCheck };
}

/** The float model's logits, EVAL_BATCH rows per pass, each read awaited. */
async function floatLogits(model: tf.Sequential, images: Float32Array, rows: number): Promise<Float32Array> {
  const { inputs, classes } = MNIST_MLP;
  const out = new Float32Array(rows * classes);
  for (let start = 0; start < rows; start += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, rows - start);
    const logits = tf.tidy(() =>
      forward(model, tf.tensor2d(images.subarray(start * inputs, (start + n) * inputs), [n, inputs])),
    );
    out.set((await logits.data()) as Float32Array, start * classes);
    logits.dispose();
  }
  return out;
}

/** predict on consecutive batches of `size` rows: a dynamic model's qparams then come from each batch. */
function inBatches(
  images: Float32Array,
  rows: number,
  size: number,
  predict: (x: Float32Array, rows: number) => Float32Array,
): Float32Array {
  const { inputs, classes } = MNIST_MLP;
  const out = new Float32Array(rows * classes);
  for (let start = 0; start < rows; start += size) {
    const n = Math.min(size, rows - start);
    out.set(predict(images.subarray(start * inputs, (start + n) * inputs), n), start * classes);
  }
  return out;
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

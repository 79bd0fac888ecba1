/**
 * One table for the seed's Q2: fp32, static PTQ int8, dynamic int8, QAT int8 and FP8 on MNIST's test set,
 * with model sizes, plus a check of the integer path against the fake-quantized model it came from.
 */
import * as tf from '@tensorflow/tfjs';
import { loadMnist } from '../data/mnist';
import { argmaxAccuracy } from '../train/batches';
import { DelayedScaling } from './fp8_scaling';
import { staticQuantize, DynamicInt8Mlp, type CalibrationObserver } from './ptq';
import { QatMlp, type QatTrainOptions } from './qat';
import { denseForward, denseStackOf, type DenseLayerWeights } from './stack';

export interface QuantizationRow {
  readonly method: string;
  readonly testAccuracy: number;
  readonly bytes: number;
  readonly detail: string;
}

export interface IntegerCheck {
  /** Test images where int8 inference and the fake-quantized float model predict different digits. */
  readonly differing: number;
  readonly total: number;
  /** The largest top-2 logit margin of the fake-quantized model among those images, in units of the output scale. */
  readonly maxMarginInSteps: number;
}

/** FP8 inference: e4m3 weights (per-tensor scale) and activations (delayed scaling), float32 accumulation. */
export class Fp8Mlp {
  private readonly layers: { layer: DenseLayerWeights; scaler: DelayedScaling }[];

  constructor(stack: readonly DenseLayerWeights[], calibration: readonly Float32Array[]) {
    this.layers = stack.map((layer) => {
      const weights = new DelayedScaling({ historyLength: 1 });
      weights.cast(layer.kernel); // records amax: the weights' scale is their current amax
      return { layer: { ...layer, kernel: weights.cast(layer.kernel) }, scaler: new DelayedScaling() };
    });
    for (const batch of calibration) this.predict(batch, batch.length / stack[0]!.inputs); // fills the amax histories
  }

  predict(x: Float32Array, rows: number): Float32Array {
    return this.layers.reduce((h, { layer, scaler }) => denseForward(layer, scaler.cast(h), rows), x);
  }

  get bytes(): number {
    return this.layers.reduce((s, { layer }) => s + layer.kernel.length + 4 * layer.bias.length + 8, 0);
  }
}

export interface CompareOptions {
  /** Calibration batches of 128 training images for static PTQ and FP8 (default 10). */
  readonly calibrationBatches?: number;
  readonly observer?: CalibrationObserver;
  readonly qat?: QatTrainOptions;
}

export function compareQuantization(
  model: tf.Sequential,
  options: CompareOptions = {},
): { rows: QuantizationRow[]; integerCheck: IntegerCheck } {
  const { train, test } = loadMnist();
  const stack = denseStackOf(model);
  const calibration = Array.from({ length: options.calibrationBatches ?? 10 }, (_, b) =>
    train.images.subarray(b * 128 * 784, (b + 1) * 128 * 784),
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
  qat.train(train, options.qat);
  const int8 = qat.convert();
  const intLogits = int8.predict(test.images, test.count);
  const fakeLogits = tf.tidy(() => qat.forward(tf.tensor2d(test.images, [test.count, 784])).dataSync() as Float32Array);
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

function top2(logits: Float32Array, r: number): [number, number] {
  const row = Array.from(logits.subarray(r * 10, r * 10 + 10));
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

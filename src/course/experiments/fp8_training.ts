/**
 * FP8 training of the seed's MLP with per-tensor *delayed* scaling, the recipe of NVIDIA Transformer Engine:
 * every matmul takes its activation and weight in float8_e4m3fn and, on the way back, its output gradient
 * in float8_e5m2, each tensor cast with its own DelayedScaling (scale from the amax history of earlier
 * steps). Products accumulate in float32, bias and loss stay in float32, and Adam updates float32 master
 * weights. (The 'mixed_float8' policy of trainMnist scales each tensor by its *current* amax instead.)
 *
 * Every cast is traced per step (amax, scale used, fractions saturated and underflowed), which is what a
 * lesson plots to show how the scale follows the tensors. A step's statistics and loss come back in one
 * awaited read after the step (no dataSync: the same path runs on WebGPU).
 *
 *     const r = await trainMnistFp8Delayed({ epochs: 1, trainLimit: 10000, onProgress: progressDisplay('fp8') });
 *     r.traces.find((t) => t.tensor === 'dense2 output grad')!.scale   // one scale per step
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../../mp/errors';
import type { FormatLike } from '../../mp/formats/registry';
import { fakeCast } from '../../mp/ops/quantize';
import { DelayedScaling, type ScaleTrace } from '../../mp/quant/fp8_scaling';
import { argmaxAccuracy, trainingRows } from './batches';
import { runEpochs } from './epochs';
import { loadMnist } from './mnist';
import { buildMlp, EVAL_BATCH, MNIST_MLP, seedRecipe, softmaxLoss } from './seed_mlp';
import type { RunOptions, RunResult } from './epochs';

/** Progress comes as trainMnist reports it; its `scale` is the delayed scale of the last layer's output gradient. */
export interface Fp8TrainOptions extends RunOptions {
  /** Amax history length of every tensor (Transformer Engine's amax_history_len). Default 16. */
  readonly historyLength?: number;
  /** Headroom: every scale is divided by 2^margin. Default 0. */
  readonly margin?: number;
  /** Format of activations and weights. Default float8_e4m3fn. */
  readonly forwardFormat?: FormatLike;
  /** Format of output gradients. Default float8_e5m2. */
  readonly gradientFormat?: FormatLike;
}

export interface Fp8TrainResult extends RunResult {
  readonly traces: ScaleTrace[];
}

/** A cast's statistics on the device (amax, saturated, underflow, underflowUnscaled), until the step is read. */
interface PendingCast {
  readonly stats: tf.Tensor1D;
  readonly scale: number;
  readonly historyAmax: number;
  readonly size: number;
}

/**
 * One tensor's delayed-scaling cast, traced. The scale, amax history and margin are a DelayedScaling's; the
 * cast itself, q(x·s)/s with saturation, runs as tensor ops on the exact quantize kernel (DelayedScaling.cast
 * works on a Float32Array in JS, ~20× slower on a 100k-value activation). The step's statistics stay on the
 * device until record(), which then records the amax in the DelayedScaling by casting it alone. Each tensor
 * is cast once per step, so recording after the step gives the same scales as recording at once.
 */
class TracedCast {
  readonly scaler: DelayedScaling;
  readonly trace: ScaleTrace;
  readonly pending: PendingCast[] = [];

  constructor(tensor: string, format: FormatLike, historyLength: number, margin: number) {
    this.scaler = new DelayedScaling({ format, historyLength, margin });
    this.trace = {
      tensor,
      format: this.scaler.format.name,
      amax: [],
      scale: [],
      historyAmax: [],
      saturated: [],
      underflow: [],
      underflowUnscaled: [],
    };
  }

  private scaled(x: tf.Tensor, s: number): { xs: tf.Tensor; q: tf.Tensor; y: tf.Tensor } {
    const xs = tf.mul(x, s);
    const q = fakeCast(xs, this.scaler.format, SATURATE);
    return { xs, q, y: tf.div(q, s) };
  }

  /** Training: cast with the delayed scale; the amax and the step's statistics wait in `pending` for record(). */
  cast(x: tf.Tensor): tf.Tensor {
    const s = Math.fround(this.scaler.scale);
    const historyAmax = Math.max(0, ...this.scaler.amaxHistory);
    const [y, stats] = tf.tidy(() => {
      const { xs, q, y } = this.scaled(x, s);
      const nonzero = tf.notEqual(x, 0);
      const count = (mask: tf.Tensor): tf.Tensor => tf.sum(tf.cast(mask, 'float32'));
      const unscaled = fakeCast(x, this.scaler.format, SATURATE);
      const stats = tf.stack([
        tf.max(tf.abs(x)),
        count(tf.greater(tf.abs(xs), this.scaler.format.maxFinite)),
        count(tf.logicalAnd(nonzero, tf.equal(q, 0))),
        count(tf.logicalAnd(nonzero, tf.equal(unscaled, 0))),
      ]);
      return [y, stats];
    });
    this.pending.push({ stats: tf.keep(stats as tf.Tensor1D), scale: s, historyAmax, size: Math.max(x.size, 1) });
    return y;
  }

  /** Records the oldest pending cast from its statistics' values (read back by finishStep). */
  record([amax, saturated, underflow, underflowUnscaled]: Float32Array): void {
    const { scale, historyAmax, size: n } = this.pending.shift()!;
    this.scaler.cast(Float32Array.of(amax!)); // records this step's amax in the history
    const t = this.trace;
    t.amax.push(amax!);
    t.scale.push(scale);
    t.historyAmax.push(historyAmax);
    t.saturated.push(saturated! / n);
    t.underflow.push(underflow! / n);
    t.underflowUnscaled.push(underflowUnscaled! / n);
  }

  /** Evaluation: cast with the current scale, recording nothing. */
  castFrozen(x: tf.Tensor): tf.Tensor {
    const s = Math.fround(this.scaler.scale);
    return tf.tidy(() => this.scaled(x, s).y);
  }
}

const SATURATE = { overflow: 'saturate' } as const;

/** Reads a step's loss and its casts' pending statistics in one awaited read, records them, returns the loss. */
async function finishStep(casts: readonly TracedCast[], loss: tf.Scalar): Promise<number> {
  const pending = casts.flatMap((c) => c.pending.map((p) => ({ cast: c, stats: p.stats })));
  const packed = tf.tidy(() => tf.concat([tf.reshape(loss, [1]), ...pending.map((p) => p.stats)]));
  tf.dispose([loss, ...pending.map((p) => p.stats)]);
  try {
    const values = (await packed.data()) as Float32Array;
    pending.forEach((p, i) => p.cast.record(values.subarray(1 + 4 * i, 5 + 4 * i)));
    return values[0]!;
  } finally {
    packed.dispose();
  }
}

interface Fp8Layer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly relu: boolean;
  readonly input: TracedCast;
  readonly weight: TracedCast;
  readonly grad: TracedCast;
}

/**
 * x·W in FP8: e4m3 inputs forward, the e5m2 output gradient backward, float32 accumulation. The first layer's
 * input is data: its gradient is not needed and is returned as zeros instead of costing a third matmul.
 */
function fp8MatMul(layer: Fp8Layer, inputGrad: boolean): (x: tf.Tensor, w: tf.Tensor) => tf.Tensor {
  const f = (x: tf.Tensor, w: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
    const xq = layer.input.cast(x);
    const wq = layer.weight.cast(w);
    save([xq, wq]);
    return {
      value: tf.matMul(xq as tf.Tensor2D, wq as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dyq = layer.grad.cast(dy) as tf.Tensor2D;
        const dx = inputGrad ? tf.matMul(dyq, ws, false, true) : tf.zeros(xs.shape);
        return [dx, tf.matMul(xs, dyq, true, false)];
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    x: tf.Tensor,
    w: tf.Tensor,
  ) => tf.Tensor;
}

function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new OptionError(`${name} must be an integer ≥ 1. Received: ${value}`, name, value);
  }
}

/** Trains the seed's MLP (784-64-10, Adam) in FP8 with delayed scaling and evaluates it, in FP8, on the test set. */
export async function trainMnistFp8Delayed(options: Fp8TrainOptions = {}): Promise<Fp8TrainResult> {
  const recipe = seedRecipe(options);
  const { learningRate, validationSplit, seed } = recipe;
  const { historyLength = 16, margin = 0 } = options;
  checkPositiveInt('epochs', recipe.epochs);
  checkPositiveInt('batchSize', recipe.batchSize);
  const forward = options.forwardFormat ?? 'float8_e4m3fn';
  const backward = options.gradientFormat ?? 'float8_e5m2';
  const mnist = loadMnist();
  const { used: n, train: nTrain } = trainingRows(mnist.train, options.trainLimit, validationSplit);
  const { inputs, classes } = MNIST_MLP;

  const model = buildMlp('float32', { seed }); // the same initial weights as trainMnist's float32 run
  const layers: Fp8Layer[] = model.layers.map((l, i) => {
    const [kernel, bias] = l.trainableWeights.map((w) => w.read() as tf.Variable) as [tf.Variable, tf.Variable];
    const name = `dense${i + 1}`;
    return {
      kernel,
      bias,
      relu: i < model.layers.length - 1,
      input: new TracedCast(`${name} input`, forward, historyLength, margin),
      weight: new TracedCast(`${name} weight`, forward, historyLength, margin),
      grad: new TracedCast(`${name} output grad`, backward, historyLength, margin),
    };
  });
  const matMuls = layers.map((layer, i) => fp8MatMul(layer, i > 0));
  const run = (x: tf.Tensor): tf.Tensor =>
    layers.reduce((h, layer, i) => {
      const y = tf.add(matMuls[i]!(h, layer.kernel), layer.bias);
      return layer.relu ? tf.relu(y) : y;
    }, x);
  const predict = async (images: Float32Array, rows: number): Promise<Float32Array> => {
    const out = new Float32Array(rows * classes);
    for (let start = 0; start < rows; start += EVAL_BATCH) {
      const size = Math.min(EVAL_BATCH, rows - start);
      const logits = tf.tidy(() =>
        layers.reduce(
          (h, layer) => {
            const y = tf.add(tf.matMul(layer.input.castFrozen(h), layer.weight.castFrozen(layer.kernel)), layer.bias);
            return layer.relu ? tf.relu(y) : y;
          },
          tf.tensor2d(images.subarray(start * inputs, (start + size) * inputs), [size, inputs]) as tf.Tensor,
        ),
      );
      try {
        out.set((await logits.data()) as Float32Array, start * classes);
      } finally {
        logits.dispose();
      }
    }
    return out;
  };
  const accuracyOn = async (images: Float32Array, labels: Uint8Array): Promise<number> =>
    argmaxAccuracy(await predict(images, labels.length), labels);

  const optimizer = tf.train.adam(learningRate);
  const vars = layers.flatMap((l) => [l.kernel, l.bias]);
  const lastGrad = layers[layers.length - 1]!.grad.scaler;
  const casts = layers.flatMap((l) => [l.input, l.weight, l.grad]);
  const valImages = mnist.train.images.subarray(nTrain * inputs, n * inputs);
  const valLabels = mnist.train.labels.subarray(nTrain, n);
  const start = performance.now();
  const history = await runEpochs({
    trainRows: nTrain,
    recipe,
    options,
    step: (x, y) =>
      finishStep(
        casts,
        optimizer.minimize(() => softmaxLoss(y, run(x)), true, vars)!,
      ),
    scaler: async () => ({ scale: lastGrad.scale, skipped: 0 }),
    validate: async () => (valLabels.length > 0 ? accuracyOn(valImages, valLabels) : NaN),
  });
  const seconds = (performance.now() - start) / 1000;
  const testAccuracy = await accuracyOn(mnist.test.images, mnist.test.labels);
  optimizer.dispose();
  model.dispose();
  return {
    policy: 'fp8 delayed scaling',
    testAccuracy,
    valAccuracy: history[history.length - 1]?.valAccuracy ?? NaN,
    seconds,
    epochs: history,
    traces: casts.map((c) => c.trace),
  };
}

/**
 * The seed's model (its Q4), in one place: an MLP 784-64-10 with ReLU on MNIST's 28×28 pixels, trained with
 * Adam (1e-3), batch 128, 5 epochs and validation_split 0.2, here under any precision policy. The model
 * outputs logits; the loss is softmax cross-entropy computed from them in float32 (the seed's Keras code put a
 * softmax on the output *and* used from_logits=True, applying softmax twice).
 */
import * as tf from '@tensorflow/tfjs';
import { MixedDense } from '../../mp/amp/layers';
import { checkOptionKeys } from '../../mp/errors';
import { softmaxCrossEntropy } from '../../mp/ops/softmax_cross_entropy';
import type { Policy } from '../../mp/amp/policy';

/** The seed's shape and training recipe; every experiment takes its defaults from here. */
export const MNIST_MLP = {
  /** MNIST's 28×28 pixels. */
  inputs: 784,
  hidden: 64,
  /** The ten digits. */
  classes: 10,
  batchSize: 128,
  epochs: 5,
  learningRate: 1e-3,
  validationSplit: 0.2,
} as const;

/** Rows per forward pass when a whole split is evaluated (bounds the activations' memory). */
export const EVAL_BATCH = 2000;

/** The recipe's knobs, as every MNIST run takes them; an option left out takes MNIST_MLP's value. */
export interface RecipeOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Fraction of the training set held out for validation, as the seed's validation_split. */
  readonly validationSplit?: number;
  /** Seeds the initial weights and the batch order. Default 0. */
  readonly seed?: number;
}

export const RECIPE_OPTION_KEYS = ['epochs', 'batchSize', 'learningRate', 'validationSplit', 'seed'] as const;

/** `options` completed with the seed's recipe (seed 0). */
export function seedRecipe(options: RecipeOptions): Required<RecipeOptions> {
  return {
    epochs: options.epochs ?? MNIST_MLP.epochs,
    batchSize: options.batchSize ?? MNIST_MLP.batchSize,
    learningRate: options.learningRate ?? MNIST_MLP.learningRate,
    validationSplit: options.validationSplit ?? MNIST_MLP.validationSplit,
    seed: options.seed ?? 0,
  };
}

export interface MlpOptions {
  readonly hidden?: number;
  readonly seed?: number;
}

/** tf.sequential([MixedDense(64, relu), MixedDense(10)]) under `policy`. */
export function buildMlp(policy: string | Policy, options: MlpOptions = {}): tf.Sequential {
  checkOptionKeys('buildMlp', options, ['hidden', 'seed']);
  const { hidden = MNIST_MLP.hidden, seed = 0 } = options;
  return tf.sequential({
    layers: [
      new MixedDense({ units: hidden, activation: 'relu', policy, inputShape: [MNIST_MLP.inputs], seed }),
      new MixedDense({ units: MNIST_MLP.classes, policy, seed: seed + 1 }),
    ],
  });
}

/**
 * Mean softmax cross-entropy of logits against one-hot labels, in float32 (autocast's rule for losses):
 * tf.losses.softmaxCrossEntropy's values, as one kernel on wasm.
 */
export function softmaxLoss(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return softmaxCrossEntropy(labels, logits);
}

/** Runs the layers one by one on concrete tensors: the same maths as model.apply, with less overhead. */
export function forward(model: tf.Sequential, x: tf.Tensor): tf.Tensor {
  return model.layers.reduce((h, layer) => layer.apply(h) as tf.Tensor, x);
}

/**
 * Rows to evaluate: a tensor, or the values themselves, row-major, MNIST_MLP.inputs per row. Values are
 * uploaded one batch at a time: on wasm, tfjs's slice of a large tensor reads the whole tensor back each time,
 * a large share of an epoch for the 12 000 validation rows.
 */
export type Rows = tf.Tensor2D | Float32Array;

/** The predicted digit of rows start..start+size−1. */
export function predictRows(model: tf.Sequential, images: Rows, start: number, size: number): tf.Tensor1D {
  const { inputs } = MNIST_MLP;
  return tf.tidy(() => {
    const x =
      images instanceof Float32Array
        ? tf.tensor2d(images.subarray(start * inputs, (start + size) * inputs), [size, inputs])
        : images.slice([start, 0], [size, -1]);
    return tf.argMax(forward(model, x), 1);
  });
}

function hits(predicted: ArrayLike<number>, labels: Uint8Array, start: number): number {
  let n = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[start + i]) n++;
  return n;
}

/**
 * Fraction of rows whose largest logit is at the label, with one awaited read per batch of rows (every backend,
 * WebGPU included).
 *
 *     await accuracy(model, test.images, test.labels)   // e.g. 0.97
 */
export async function accuracy(
  model: tf.Sequential,
  images: Rows,
  labels: Uint8Array,
  batch = EVAL_BATCH,
): Promise<number> {
  let correct = 0;
  for (let start = 0; start < labels.length; start += batch) {
    const predicted = predictRows(model, images, start, Math.min(batch, labels.length - start));
    try {
      correct += hits(await predicted.data(), labels, start);
    } finally {
      predicted.dispose();
    }
  }
  return correct / labels.length;
}

/** @deprecated accuracy awaits its reads. */
export const accuracyAsync = accuracy;

/**
 * The seed's Keras model as lesson 4 rebuilds it with tfjs layers: Dense(64, relu) under a policy, then a float32
 * Dense(10) that ends in logits or, as the seed wrote it, in a softmax. With the seed's loss (from logits) the
 * softmax is applied twice; SEED_OUTPUT_VARIANTS lists the seed's pairing and its two fixes.
 *
 *     const m = seedKerasModel('mixed_bfloat16', 'softmax');   // the seed's Dense(10, activation='softmax')
 */
import * as tf from '@tensorflow/tfjs';
import { MixedDense } from '../../mp/amp/layers';
import type { Policy } from '../../mp/amp/policy';
import { checkChoice } from '../../mp/errors';
import { MNIST_MLP, softmaxLoss } from './seed_mlp';

export const SEED_OUTPUTS = ['linear', 'softmax'] as const;
export type SeedOutput = (typeof SEED_OUTPUTS)[number];

/** The seed's MLP: hidden layer under `policy`, output layer in float32 ending in logits or softmax probabilities. */
export function seedKerasModel(policy: string | Policy, output: SeedOutput = 'linear', seed = 0): tf.Sequential {
  checkChoice('output', output, SEED_OUTPUTS);
  return tf.sequential({
    layers: [
      new MixedDense({ units: MNIST_MLP.hidden, activation: 'relu', policy, inputShape: [MNIST_MLP.inputs], seed }),
      new MixedDense({ units: MNIST_MLP.classes, activation: output, policy: 'float32', seed: seed + 1 }),
    ],
  });
}

/** The seed's output layer and loss, and the two ways to fix them (the loss in tfjs terms). */
export const SEED_OUTPUT_VARIANTS = [
  { label: 'seed: softmax + from_logits', output: 'softmax', loss: softmaxLoss },
  { label: 'fix A: logits + from_logits', output: 'linear', loss: softmaxLoss },
  { label: 'fix B: softmax + probabilities loss', output: 'softmax', loss: 'categoricalCrossentropy' },
] as const satisfies readonly { label: string; output: SeedOutput; loss: string | typeof softmaxLoss }[];

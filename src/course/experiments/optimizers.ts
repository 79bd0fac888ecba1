/**
 * The optimizers an MNIST run can take: the seed's Adam (tfjs's, whose ε defaults to its backend's 1e-7, as
 * Keras' does; torch's is 1e-8) or plain SGD, whose step −lr·g has no ε, so that a run with gradients scaled
 * by 2^k and the learning rate by 2^−k is the same run exactly in float32 (powers of two scale exactly).
 *
 *     makeOptimizer({ optimizer: 'adam', epsilon: 1e-8 }, 1e-3)   // torch's default ε
 */
import * as tf from '@tensorflow/tfjs';
import { checkChoice, OptionError } from '../../mp/errors';

export const OPTIMIZER_NAMES = ['adam', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface OptimizerOptions {
  /** `adam` (default: the seed's) or `sgd`. */
  readonly optimizer?: OptimizerName;
  /** Adam's ε, added to √v̂ in the step's denominator. Default: tfjs's, 1e-7 on float32 backends. */
  readonly epsilon?: number;
}

/** The tfjs optimizer `options` ask for, at `learningRate`. Throws OptionError for an ε without Adam. */
export function makeOptimizer(options: OptimizerOptions, learningRate: number): tf.Optimizer {
  const name = checkChoice('optimizer', options.optimizer ?? 'adam', OPTIMIZER_NAMES);
  const { epsilon } = options;
  if (epsilon !== undefined && (name !== 'adam' || !(epsilon >= 0))) {
    throw new OptionError(
      `epsilon is Adam's, a number ≥ 0. Received: epsilon=${String(epsilon)} with optimizer '${name}'.`,
      'epsilon',
      epsilon,
    );
  }
  return name === 'sgd' ? tf.train.sgd(learningRate) : tf.train.adam(learningRate, undefined, undefined, epsilon);
}

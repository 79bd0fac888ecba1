/**
 * Clipping by the global norm, as torch.nn.utils.clip_grad_norm_ does it: the L2 norm of all gradients together,
 * ‖g‖ = sqrt(Σ‖gᵢ‖²), and every gradient multiplied by min(maxNorm / (‖g‖ + 1e-6), 1), in float32. It belongs
 * after unscaling: on scaled gradients the norm is S times too large, so the clip fires on every step and shrinks
 * each update by up to S. Where ‖g‖ is inf or NaN the gradients come back untouched: the overflow stays visible
 * to LossScaleOptimizer.applyGradients, which skips the step (torch multiplies by max/inf = 0 and gets NaN where
 * a gradient is inf; its step is skipped too, by the flag unscale_ recorded). Nothing is read back.
 *
 *     const { value, grads } = opt.computeGradients(loss);   // scaled backward, then unscaled
 *     const { grads: clipped, totalNorm } = clipGradNorm(grads, 1.0);
 *     opt.applyGradients(clipped);                            // skipped if the norm was not finite
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../errors';

/** torch's clip_grad_norm_ adds this to the norm before dividing (clip_coef = max_norm / (total_norm + 1e-6)). */
const NORM_EPSILON = 1e-6;

export interface ClippedGradients {
  /** The gradients times min(maxNorm / (‖g‖ + 1e-6), 1); the same tensors' values where ‖g‖ is not finite. */
  readonly grads: tf.NamedTensorMap;
  /** ‖g‖ before clipping, a float32 scalar (inf or NaN where a gradient is). */
  readonly totalNorm: tf.Scalar;
}

/** Clips `grads` to a global L2 norm of at most `maxNorm` (torch's clip_grad_norm_). The caller owns the results. */
export function clipGradNorm(grads: tf.NamedTensorMap, maxNorm: number): ClippedGradients {
  if (!(typeof maxNorm === 'number' && maxNorm > 0 && Number.isFinite(maxNorm))) {
    throw new OptionError(`maxNorm must be a finite number > 0. Received: ${String(maxNorm)}`, 'maxNorm', maxNorm);
  }
  const names = Object.keys(grads);
  return tf.tidy(() => {
    const list = names.map((n) => grads[n]!);
    const squares = list.map((g) => tf.sum(tf.square(g)));
    const totalNorm = tf.sqrt(squares.length > 0 ? tf.addN(squares) : tf.scalar(0)) as tf.Scalar;
    const coef = tf.minimum(tf.div(maxNorm, tf.add(totalNorm, NORM_EPSILON)), 1);
    const factor = tf.where(tf.isFinite(totalNorm), coef, tf.scalar(1));
    const clipped = Object.fromEntries(names.map((n, i) => [n, tf.mul(list[i]!, factor)]));
    return { grads: clipped, totalNorm };
  });
}

/**
 * Gradient accumulation: several micro-batches' gradients summed in float32 before one optimizer step, as torch
 * sums them into each parameter's .grad across backward() calls. Dividing each micro-batch's loss by their count
 * (torch's AMP recipe: loss / iters_to_accumulate) makes the sum the full batch's mean gradient. Under a loss
 * scaler the scale must stay the same over the micro-batches of one step: it changes only in applyGradients,
 * which runs once per step. A micro-batch that overflowed makes the sum inf or NaN, so the step is skipped.
 *
 *     const acc = new GradientAccumulator();
 *     for (const batch of microBatches) {
 *       const { value, grads } = opt.computeGradients(() => tf.div(loss(batch), microBatches.length));
 *       acc.add(grads);
 *       tf.dispose([value, ...Object.values(grads)]);
 *     }
 *     opt.applyGradients(acc.take());   // one step on the sum
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../errors';

export class GradientAccumulator {
  private sums: Record<string, tf.Tensor> = {};
  private added = 0;

  /** Micro-batches added since the last take(). */
  get count(): number {
    return this.added;
  }

  /** Adds one micro-batch's gradients (read, not disposed: the caller still owns them). */
  add(grads: tf.NamedTensorMap): void {
    const names = Object.keys(grads);
    if (this.added > 0) {
      const known = Object.keys(this.sums);
      const differs = names.length !== known.length || names.some((n) => !(n in this.sums));
      if (differs) {
        throw new OptionError(
          `Each micro-batch must have gradients for the same variables: ${known.join(', ')}. ` +
            `Received: ${names.join(', ')}`,
          'grads',
          names,
        );
      }
    }
    for (const name of names) {
      const previous = this.sums[name];
      this.sums[name] = tf.keep(previous ? tf.add(previous, grads[name]!) : grads[name]!.clone());
      previous?.dispose();
    }
    this.added += 1;
  }

  /** The sums, which the caller then owns, and a fresh start. Throws if nothing was added. */
  take(): tf.NamedTensorMap {
    if (this.added === 0) {
      throw new OptionError('take() needs at least one add() since the last take().', 'count', 0);
    }
    const sums = this.sums;
    this.sums = {};
    this.added = 0;
    return sums;
  }

  /** Frees the sums without taking them. */
  dispose(): void {
    tf.dispose(Object.values(this.sums));
    this.sums = {};
    this.added = 0;
  }
}

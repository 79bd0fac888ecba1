/**
 * Cast points: where a tensor enters or leaves low precision. Forward, the value is rounded to the
 * policy's compute format; backward, the gradient is rounded to its gradient format, as a GPU stores it.
 * That is what lets float16 gradients underflow here just as they do on real hardware.
 */
import * as tf from '@tensorflow/tfjs';
import type { FloatFormat } from '../formats/spec';
import { resolveRoundOptions } from '../formats/round';
import { roundTensor } from '../ops/quantize';
import type { Policy } from './policy';

/**
 * Rounds to `format`, or with `scaled`, to format after per-tensor scaling: q(x·s)/s with s = max/amax(x)
 * (the current-scaling recipe FP8 needs, since e4m3 spans only 2^-9..448).
 */
const NEAREST = resolveRoundOptions();

function round(x: tf.Tensor, format: FloatFormat, scaled: boolean): tf.Tensor {
  if (format.name === 'float32') return x.clone();
  if (!scaled) return roundTensor(x, format, NEAREST);
  return tf.tidy(() => {
    const amax = tf.max(tf.abs(x));
    const s = tf.where(tf.greater(amax, 0), tf.div(format.maxFinite, amax), tf.onesLike(amax));
    return tf.div(roundTensor(tf.mul(x, s), format, NEAREST), s);
  });
}

/** x as the policy's compute format holds it; its gradient as the policy's gradient format holds it. */
export function castToCompute(x: tf.Tensor, policy: Policy): tf.Tensor {
  if (policy.compute.name === 'float32' && policy.gradient.name === 'float32') return x;
  const cast = tf.customGrad(((t: tf.Tensor) => ({
    value: round(t, policy.compute, policy.perTensorScaling),
    gradFunc: (dy: tf.Tensor) => round(dy, policy.gradient, policy.perTensorScaling),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return cast(x) as tf.Tensor;
}

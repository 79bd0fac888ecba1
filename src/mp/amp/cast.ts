/**
 * Cast points: where a tensor enters or leaves low precision. Forward, the value is rounded to the
 * policy's compute format; backward, the gradient is rounded to its gradient format, as a GPU stores it.
 * That is what lets float16 gradients underflow here just as they do on real hardware.
 */
import * as tf from '@tensorflow/tfjs';
import type { FloatFormat } from '../formats/spec';
import { resolveRoundOptions } from '../formats/round_options';
import { roundTensor } from '../ops/quantize';
import { castWithCurrentScale } from '../ops/scaled_cast';
import type { Policy } from './policy';

const NEAREST = resolveRoundOptions();

/** Rounds to `format` (nearest, ties to even), after per-tensor scaling where `scaled` (see castWithCurrentScale). */
export function castRound(x: tf.Tensor, format: FloatFormat, scaled: boolean): tf.Tensor {
  if (format.name === 'float32') return x.clone();
  return scaled ? castWithCurrentScale(x, format, 'ieee') : roundTensor(x, format, NEAREST);
}

/** Whether a cast point rounds anything under `policy` (not under float32 compute and gradients). */
export function castsUnder(policy: Policy): boolean {
  return policy.compute.name !== 'float32' || policy.gradient.name !== 'float32';
}

/** x as the policy's compute format holds it; its gradient as the policy's gradient format holds it. */
export function castToCompute(x: tf.Tensor, policy: Policy): tf.Tensor {
  if (!castsUnder(policy)) return x;
  const cast = tf.customGrad(((t: tf.Tensor) => ({
    value: castRound(t, policy.compute, policy.perTensorScaling),
    gradFunc: (dy: tf.Tensor) => castRound(dy, policy.gradient, policy.perTensorScaling),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return cast(x) as tf.Tensor;
}

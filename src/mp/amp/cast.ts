/**
 * Cast points: where a tensor enters or leaves low precision. Forward, the value is rounded to the
 * policy's compute format; backward, the gradient is rounded to its gradient format, as a GPU stores it.
 * That is what lets float16 gradients underflow here just as they do on real hardware.
 */
import * as tf from '@tensorflow/tfjs';
import type { FloatFormat } from '../formats/spec';
import { resolveRoundOptions } from '../formats/round';
import { roundTensor, roundTensorScaled } from '../ops/quantize';
import type { Policy } from './policy';

const NEAREST = resolveRoundOptions();

/** Rounds to `format` (nearest, ties to even), after per-tensor scaling where `scaled` (see roundTensorScaled). */
function round(x: tf.Tensor, format: FloatFormat, scaled: boolean): tf.Tensor {
  if (format.name === 'float32') return x.clone();
  return scaled ? roundTensorScaled(x, format, NEAREST) : roundTensor(x, format, NEAREST);
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

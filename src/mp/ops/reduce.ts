/**
 * Whole-tensor reductions in two stages. tfjs-backend-webgpu reduces a whole tensor to one value in a single
 * workgroup, so one small part of the GPU does all the work. Reducing rows first, then the row results, spreads
 * it over the GPU; on cpu and wasm it costs one tiny extra op.
 * The value is the same for max, min and all; a sum may differ in the last bits (another order of additions).
 * A sum's or mean's gradient is dy times ones made on the device (tf.onesLike, a fill kernel). tfjs's own builds
 * ones(x.shape) on the CPU and uploads it; tf.broadcastTo of dy is no better where dy was made on the CPU (the
 * loss seed): tfjs-webgpu then tiles it on the CPU and uploads the result, which for a large tensor costs far more
 * than the step's products.
 *
 *     reduceAll(tf.abs(x), 'max')   // amax, as tf.max(tf.abs(x))
 */
import * as tf from '@tensorflow/tfjs';

export type Reduction = 'max' | 'min' | 'all' | 'sum' | 'mean';

const REDUCE: Record<Reduction, (x: tf.Tensor, axis?: number) => tf.Tensor> = {
  max: (x, axis) => tf.max(x, axis),
  min: (x, axis) => tf.min(x, axis),
  all: (x, axis) => tf.all(x, axis),
  sum: (x, axis) => tf.sum(x, axis),
  mean: (x, axis) => tf.mean(x, axis),
};

/** Below this many values one stage is as fast. */
const TWO_STAGES_FROM = 1 << 16;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** `op` over every element of x, as a scalar: over up to 4096 rows of a reshape first. */
export function reduceAll(x: tf.Tensor, op: Reduction): tf.Scalar {
  const value = (t: tf.Tensor): tf.Scalar => twoStages(t, op);
  if (op !== 'sum' && op !== 'mean') return value(x);
  const scale = op === 'mean' ? 1 / Math.max(x.size, 1) : 1;
  const withGrad = tf.customGrad(((t: tf.Tensor) => ({
    value: value(t),
    gradFunc: (dy: tf.Scalar) => tf.mul(tf.onesLike(t), tf.mul(dy, scale)),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return withGrad(x) as tf.Scalar;
}

function twoStages(x: tf.Tensor, op: Reduction): tf.Scalar {
  const reduce = REDUCE[op];
  const rows = gcd(x.size, 4096);
  if (x.size < TWO_STAGES_FROM || rows < 64) return reduce(x) as tf.Scalar;
  return tf.tidy(() => reduce(reduce(tf.reshape(x, [rows, x.size / rows]), 1)) as tf.Scalar);
}

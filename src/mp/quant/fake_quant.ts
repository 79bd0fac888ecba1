/**
 * Affine quantization, bit-identical to torch on CPU: integer codes of an array (affineQuantize, as
 * quantize_per_tensor), and fake quantization of a tensor with the clipping straight-through estimator
 * (fake_quantize_per_tensor_affine / fake_quantize_per_channel_affine):
 *     q  = zeroPoint + nearbyint(x · fl(1/scale))        (float32 product; nearbyint rounds half to even)
 *     x̂  = (clamp(q, quantMin, quantMax) − zeroPoint) · scale
 *     dx̂/dx = 1 where quantMin ≤ q ≤ quantMax, else 0    (gradients pass inside the range only)
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../errors';
import { roundHalfEven } from '../formats/round';
import { checkFloat32Tensor } from '../ops/check_tensor';
import { checkQParams, type PerChannelQParams, type QParams } from './qparams';

export type IntegerArray = Int8Array | Uint8Array | Int32Array;

/**
 * The clamped codes q of `values`, written into `out` (default: a new Int32Array). Every integer path of the
 * library (int8 inference, PTQ, weight conversion) quantizes through this one loop.
 *
 *     affineQuantize(Float32Array.of(0.5, -20), { scale: 0.1, zeroPoint: 0, quantMin: -128, quantMax: 127 })  // [5, -128]
 */
export function affineQuantize<T extends IntegerArray = Int32Array>(
  values: ArrayLike<number>,
  p: QParams,
  out: T = new Int32Array(values.length) as T,
): T {
  checkQParams([p.scale], [p.zeroPoint], p.quantMin, p.quantMax);
  const inverse = Math.fround(1 / Math.fround(p.scale)); // fl(1/scale), as torch's kernel
  for (let i = 0; i < values.length; i++) {
    const q = p.zeroPoint + roundHalfEven(Math.fround(values[i]! * inverse));
    out[i] = Math.min(p.quantMax, Math.max(p.quantMin, q));
  }
  return out;
}

/**
 * The formula in tfjs ops, with scale, 1/scale and zero point broadcast from `shape` (a scalar, or one value
 * per channel). Every step is float32 arithmetic, as torch's CPU kernel does it, so results are identical.
 */
function fakeQuantOps(
  x: tf.Tensor,
  scales: readonly number[],
  zeroPoints: readonly number[],
  shape: number[],
  qmin: number,
  qmax: number,
): tf.Tensor {
  checkFloat32Tensor(x, 'fakeQuantize');
  const inverses = scales.map((s) => 1 / Math.fround(s)); // fl(1/scale) once tf.tensor stores it as float32
  // q = zeroPoint + round(x · fl(1/scale)); tf.round rounds half to even, as nearbyint. Call inside a tidy.
  const codes = (t: tf.Tensor): tf.Tensor =>
    tf.add(tf.round(tf.mul(t, tf.tensor(inverses, shape))), tf.tensor(zeroPoints, shape));
  const op = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([t]);
    const value = tf.tidy(() =>
      tf.mul(tf.sub(tf.clipByValue(codes(t), qmin, qmax), tf.tensor(zeroPoints, shape)), tf.tensor(scales, shape)),
    );
    return {
      value,
      // The STE mask, 1 where the code lies in [qmin, qmax]: codes are integers, so |q − clamp(q)| ≥ 1 outside.
      // Computed here, only when a gradient is asked for, and with float ops (wasm's comparisons are slow).
      gradFunc: (dy: tf.Tensor, [ts]: tf.Tensor[]) =>
        tf.tidy(() => {
          const q = codes(ts!);
          return tf.mul(dy, tf.sub(1, tf.minimum(tf.abs(tf.sub(q, tf.clipByValue(q, qmin, qmax))), 1)));
        }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor;
}

/**
 *     fakeQuantize(x, { scale: 0.05, zeroPoint: 0, quantMin: -128, quantMax: 127 })
 */
export function fakeQuantize(x: tf.Tensor, p: QParams): tf.Tensor {
  checkQParams([p.scale], [p.zeroPoint], p.quantMin, p.quantMax);
  return fakeQuantOps(x, [p.scale], [p.zeroPoint], [], p.quantMin, p.quantMax);
}

/** Per-channel fake quantization: channel c along `axis` uses scale[c] and zeroPoint[c]. */
export function fakeQuantizePerChannel(x: tf.Tensor, p: PerChannelQParams): tf.Tensor {
  const rank = x.shape.length;
  const axis = p.axis < 0 ? p.axis + rank : p.axis;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
    throw new OptionError(
      `axis must be in [-${rank}, ${rank - 1}] for a rank-${rank} tensor. Received: ${p.axis}`,
      'axis',
      p.axis,
    );
  }
  const channels = x.shape[axis]!;
  if (p.scale.length !== channels || p.zeroPoint.length !== channels) {
    throw new OptionError(
      `Need one scale and one zero point per channel: ${channels} along axis ${axis}. Received ${p.scale.length} scales, ${p.zeroPoint.length} zero points.`,
      'scale',
      p.scale,
    );
  }
  checkQParams(p.scale, p.zeroPoint, p.quantMin, p.quantMax);
  const shape = x.shape.map((d, i) => (i === axis ? d : 1)); // broadcast along the other axes
  return fakeQuantOps(x, p.scale, p.zeroPoint, shape, p.quantMin, p.quantMax);
}

import * as tf from '@tensorflow/tfjs';
import { describeValue, OptionError } from '../errors';

/** Throws an OptionError, saying what was received, unless x is a float32 tf.Tensor. */
export function checkFloat32Tensor(x: unknown, op: string): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new OptionError(`${op} needs a tf.Tensor. Received: ${describeValue(x)}`, 'x', x);
  }
  if (x.dtype !== 'float32') {
    throw new OptionError(`${op} needs a float32 tensor. Received dtype: ${x.dtype}`, 'x.dtype', x.dtype, ['float32']);
  }
}

/**
 * A trained network as a plain stack of dense layers (weights as arrays), the form the quantization flows
 * work on: calibration, conversion to int8, dynamic quantization, FP8 and the precision search.
 */
import type * as tf from '@tensorflow/tfjs';
import { MixedDense } from '../../mp/amp/layers';
import { OptionError } from '../../mp/errors';

export interface DenseLayerWeights {
  readonly inputs: number;
  readonly outputs: number;
  /** inputs × outputs, row-major (as tfjs stores a dense kernel). */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly relu: boolean;
}

/**
 * The weights of a tf.Sequential of MixedDense layers (e.g. buildMlp's), read back with awaited reads (every
 * backend).
 *
 *     const stack = await denseStackOf(model);   // [{ inputs: 784, outputs: 64, kernel, bias, relu: true }, …]
 */
export async function denseStackOf(model: tf.Sequential): Promise<DenseLayerWeights[]> {
  return Promise.all(
    denseLayers(model).map(async (l) => ({
      ...l,
      kernel: (await l.kernel.data()) as Float32Array,
      bias: (await l.bias.data()) as Float32Array,
    })),
  );
}

/** Each layer's shape and activation, with its weights still as tensors. */
function denseLayers(
  model: tf.Sequential,
): (Omit<DenseLayerWeights, 'kernel' | 'bias'> & { kernel: tf.Tensor; bias: tf.Tensor })[] {
  return model.layers.map((layer) => {
    if (!(layer instanceof MixedDense) || (layer.activation !== 'relu' && layer.activation !== 'linear')) {
      throw new OptionError(
        `Quantization flows take MixedDense layers with relu or linear activations. Received: ${layer.getClassName()}`,
        'model',
        layer.name,
      );
    }
    const [kernel, bias] = layer.getWeights();
    const [inputs, outputs] = kernel!.shape as [number, number];
    return {
      inputs,
      outputs,
      kernel: kernel!,
      bias: bias!,
      relu: layer.activation === 'relu',
    };
  });
}

/** Float forward pass of one layer on a batch of rows (float64 accumulation). */
export function denseForward(layer: DenseLayerWeights, x: Float32Array, rows: number): Float32Array {
  const { inputs, outputs, kernel, bias, relu } = layer;
  const y = new Float32Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < outputs; c++) {
      let acc = bias[c]!;
      for (let i = 0; i < inputs; i++) acc += x[r * inputs + i]! * kernel[i * outputs + c]!;
      y[r * outputs + c] = relu ? Math.max(acc, 0) : acc;
    }
  }
  return y;
}

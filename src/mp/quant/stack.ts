/**
 * A trained network as a plain stack of dense layers (weights as arrays), the form the quantization flows
 * work on: calibration, conversion to int8, dynamic quantization and FP8.
 */
import * as tf from '@tensorflow/tfjs';
import { MixedDense } from '../amp/layers';
import { OptionError } from '../errors';
import { roundHalfEven } from '../formats/round';
import type { Int8Layer } from './int8';
import { PerChannelMinMaxObserver, type TensorQParams } from './observers';

export interface DenseLayerWeights {
  readonly inputs: number;
  readonly outputs: number;
  /** inputs × outputs, row-major (as tfjs stores a dense kernel). */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly relu: boolean;
}

/** The weights of a tf.Sequential of MixedDense layers (e.g. buildMlp's). */
export function denseStackOf(model: tf.Sequential): DenseLayerWeights[] {
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
      kernel: kernel!.dataSync() as Float32Array,
      bias: bias!.dataSync() as Float32Array,
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

/** Symmetric int8 weights, one scale per output channel (torch's default for weights). */
export function quantizeWeights(layer: DenseLayerWeights): { weights: Int8Array; scales: Float64Array } {
  const observer = new PerChannelMinMaxObserver({ dtype: 'qint8', qscheme: 'per_channel_symmetric', chAxis: 1 });
  const k = tf.tensor2d(layer.kernel, [layer.inputs, layer.outputs]);
  observer.observe(k);
  k.dispose();
  const scales = Float64Array.from(observer.calculateQParams().scale);
  const weights = new Int8Array(layer.inputs * layer.outputs);
  for (let c = 0; c < layer.outputs; c++) {
    const inv = Math.fround(1 / Math.fround(scales[c]!));
    for (let i = 0; i < layer.inputs; i++) {
      const q = roundHalfEven(Math.fround(layer.kernel[i * layer.outputs + c]! * inv));
      weights[c * layer.inputs + i] = Math.min(127, Math.max(-128, q));
    }
  }
  return { weights, scales };
}

/** Converts float layers to int8 layers, given the activation qparams at each layer's input and output. */
export function toInt8Layers(stack: readonly DenseLayerWeights[], activations: readonly TensorQParams[]): Int8Layer[] {
  if (activations.length !== stack.length + 1) {
    throw new OptionError(
      `Need ${stack.length + 1} activation qparams (the input and each layer's output). Received ${activations.length}.`,
      'activations',
      activations.length,
    );
  }
  return stack.map((layer, k) => {
    const { weights, scales } = quantizeWeights(layer);
    const input = activations[k]!;
    const bias = Int32Array.from(layer.bias, (b, c) => roundHalfEven(b / (input.scale * scales[c]!)));
    return {
      inputs: layer.inputs,
      outputs: layer.outputs,
      weights,
      weightScales: scales,
      bias,
      input,
      output: activations[k + 1]!,
      relu: layer.relu,
    };
  });
}

/**
 * Real integer inference for a stack of dense layers: int8 weights (symmetric, one scale per output channel),
 * uint8 activations (affine), int32 bias, int32 accumulation, and requantization of each layer's output:
 *     acc[c]  = Σ_i (x_q[i] − z_x) · w_q[i][c] + b_q[c]                (exact integers)
 *     y_q[c]  = clamp(round(acc[c] · s_x·s_w[c]/s_y) + z_y, lo, 255)    (lo = z_y when ReLU is fused, else 0)
 * Only the multiplier M = s_x·s_w/s_y is a real number (a fixed-point multiplier on hardware).
 */
import { OptionError } from '../../mp/errors';
import { roundHalfEven } from '../../mp/formats/round';
import { affineQuantize } from '../../mp/quant/fake_quant';
import { weightQParamsOf } from '../../mp/quant/observers';
import { quantRange, type TensorQParams } from '../../mp/quant/qparams';
import type { DenseLayerWeights } from './stack';

/** The integer range of every activation. */
export const UINT8 = quantRange('quint8');

export interface Int8Layer {
  readonly inputs: number;
  readonly outputs: number;
  /** outputs × inputs, row c holds output channel c's weights. */
  readonly weights: Int8Array;
  readonly weightScales: Float64Array;
  /** b_q[c] = round(b[c] / (s_x·s_w[c])) */
  readonly bias: Int32Array;
  readonly input: TensorQParams;
  readonly output: TensorQParams;
  readonly relu: boolean;
}

/** One layer on a batch of uint8 rows: returns the next layer's uint8 rows. */
export function int8Dense(layer: Int8Layer, x: Uint8Array, rows: number): Uint8Array {
  const { inputs, outputs, weights, weightScales, bias, input, output, relu } = layer;
  const out = new Uint8Array(rows * outputs);
  const centered = new Int32Array(inputs);
  const lo = relu ? output.zeroPoint : UINT8.quantMin;
  const multipliers = Float64Array.from(weightScales, (sw) => (input.scale * sw) / output.scale);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < inputs; i++) centered[i] = x[r * inputs + i]! - input.zeroPoint;
    for (let c = 0; c < outputs; c++) {
      let acc = bias[c]!;
      const w = c * inputs;
      for (let i = 0; i < inputs; i++) acc += centered[i]! * weights[w + i]!; // |acc| < 2^31 for 784 inputs
      const q = roundHalfEven(acc * multipliers[c]!) + output.zeroPoint;
      out[r * outputs + c] = Math.min(UINT8.quantMax, Math.max(lo, q));
    }
  }
  return out;
}

/** A whole int8 network: quantize the input once, run the layers in integers, dequantize the last output. */
export class Int8Mlp {
  constructor(readonly layers: readonly Int8Layer[]) {}

  /** Float logits for rows of float inputs (rows × inputs of the first layer). */
  predict(x: Float32Array, rows: number): Float32Array {
    let h: Uint8Array = affineQuantize(x, { ...this.layers[0]!.input, ...UINT8 }, new Uint8Array(x.length));
    for (const layer of this.layers) h = int8Dense(layer, h, rows);
    const q = this.layers[this.layers.length - 1]!.output;
    return Float32Array.from(h, (v) => (v - q.zeroPoint) * q.scale);
  }

  /** Bytes of the deployed model: int8 weights, int32 biases, a float32 scale per channel and qparams per layer. */
  get bytes(): number {
    return this.layers.reduce((s, l) => s + l.weights.length + 4 * l.bias.length + 4 * l.weightScales.length + 16, 0);
  }
}

/** A layer's weights as int8 codes (weightQParams: symmetric, one scale per output channel), channel-major. */
export function quantizeWeights(layer: DenseLayerWeights): { weights: Int8Array; scales: Float64Array } {
  const { inputs, outputs, kernel } = layer;
  const qparams = weightQParamsOf(kernel, [inputs, outputs]);
  const weights = new Int8Array(inputs * outputs);
  const column = new Float32Array(inputs);
  for (let c = 0; c < outputs; c++) {
    for (let i = 0; i < inputs; i++) column[i] = kernel[i * outputs + c]!;
    const { quantMin, quantMax } = qparams;
    const channel = { scale: qparams.scale[c]!, zeroPoint: qparams.zeroPoint[c]!, quantMin, quantMax };
    affineQuantize(column, channel, weights.subarray(c * inputs, (c + 1) * inputs));
  }
  return { weights, scales: Float64Array.from(qparams.scale) };
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

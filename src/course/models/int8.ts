/**
 * Real integer inference for a stack of dense layers: int8 weights (symmetric, a scale per output channel or
 * one per kernel), uint8 activations (affine), int32 bias, int32 accumulation, and requantization of each
 * layer's output:
 *     acc[c]  = Σ_i (x_q[i] − z_x) · w_q[i][c] + b_q[c]                (exact integers)
 *     y_q[c]  = clamp(round(acc[c] · s_x·s_w[c]/s_y) + z_y, lo, 255)    (lo = z_y when ReLU is fused, else 0)
 * Only the multiplier M = s_x·s_w/s_y is a real number (a fixed-point multiplier on hardware).
 */
import { checkChoice, OptionError } from '../../mp/errors';
import { roundHalfEven } from '../../mp/formats/round';
import { affineQuantize } from '../../mp/quant/fake_quant';
import { MinMaxObserver, weightQParamsOf } from '../../mp/quant/observers';
import { quantRange, type PerChannelQParams, type TensorQParams } from '../../mp/quant/qparams';
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

/**
 * One layer on a batch of uint8 rows: returns the next layer's uint8 rows. The products are summed input by
 * input into one int32 accumulator per output (the same integer sums in any order), so an input equal to its
 * zero point, which adds nothing, is skipped: MNIST's blank pixels and a ReLU layer's zeros.
 */
export function int8Dense(layer: Int8Layer, x: Uint8Array, rows: number): Uint8Array {
  const { inputs, outputs, weights, weightScales, bias, input, output, relu } = layer;
  const out = new Uint8Array(rows * outputs);
  const lo = relu ? output.zeroPoint : UINT8.quantMin;
  const multipliers = Float64Array.from(weightScales, (sw) => (input.scale * sw) / output.scale);
  const byInput = transposeCodes(weights, outputs, inputs);
  const acc = new Int32Array(outputs);
  for (let r = 0; r < rows; r++) {
    acc.set(bias);
    for (let i = 0; i < inputs; i++) {
      const xi = x[r * inputs + i]! - input.zeroPoint;
      if (xi === 0) continue;
      const w = i * outputs;
      for (let c = 0; c < outputs; c++) acc[c]! += xi * byInput[w + c]!; // |acc| < 2^31 for 784 inputs
    }
    for (let c = 0; c < outputs; c++) {
      const q = roundHalfEven(acc[c]! * multipliers[c]!) + output.zeroPoint;
      out[r * outputs + c] = Math.min(UINT8.quantMax, Math.max(lo, q));
    }
  }
  return out;
}

/** Channel-major codes (rows × cols) as column-major: row i of the result holds every channel's code for input i. */
export function transposeCodes(codes: Int8Array, rows: number, cols: number): Int8Array {
  const t = new Int8Array(codes.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = codes[r * cols + c]!;
  return t;
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

/**
 * How many scales a kernel's int8 codes share: one per output channel (torch's default for weights), or one
 * for the whole kernel. Both are symmetric (zero point 0), as torch's weight observers are.
 */
export const WEIGHT_GRANULARITIES = ['per_channel', 'per_tensor'] as const;
export type WeightGranularity = (typeof WEIGHT_GRANULARITIES)[number];

/**
 * A layer's weights as int8 codes, channel-major, with one scale per output channel (the same scale repeated
 * for `per_tensor`).
 *
 *     quantizeWeights(layer, 'per_tensor').scales   // 64 equal scales: max|W| / 127.5
 */
export function quantizeWeights(
  layer: DenseLayerWeights,
  granularity: WeightGranularity = 'per_channel',
): { weights: Int8Array; scales: Float64Array } {
  checkChoice('granularity', granularity, WEIGHT_GRANULARITIES);
  const { inputs, outputs, kernel } = layer;
  const shape = [inputs, outputs];
  const { scale, zeroPoint, quantMin, quantMax } =
    granularity === 'per_channel' ? weightQParamsOf(kernel, shape) : perTensorWeightQParams(kernel, outputs);
  const weights = new Int8Array(inputs * outputs);
  const column = new Float32Array(inputs);
  for (let c = 0; c < outputs; c++) {
    for (let i = 0; i < inputs; i++) column[i] = kernel[i * outputs + c]!;
    const channel = { scale: scale[c]!, zeroPoint: zeroPoint[c]!, quantMin, quantMax };
    affineQuantize(column, channel, weights.subarray(c * inputs, (c + 1) * inputs));
  }
  return { weights, scales: Float64Array.from(scale) };
}

/** torch's per-tensor symmetric qint8 qparams of a whole kernel (MinMaxObserver), repeated for each channel. */
function perTensorWeightQParams(kernel: Float32Array, channels: number): PerChannelQParams {
  let [lo, hi] = [0, 0];
  for (const v of kernel) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const q = MinMaxObserver.qparamsOf(lo, hi, { dtype: 'qint8', qscheme: 'per_tensor_symmetric' });
  return {
    scale: new Array<number>(channels).fill(q.scale),
    zeroPoint: new Array<number>(channels).fill(q.zeroPoint),
    axis: 1,
    ...quantRange('qint8'),
  };
}

/**
 * Converts float layers to int8 layers, given the activation qparams at each layer's input and output, with
 * the weights quantized per channel (default) or per tensor.
 */
export function toInt8Layers(
  stack: readonly DenseLayerWeights[],
  activations: readonly TensorQParams[],
  weights: WeightGranularity = 'per_channel',
): Int8Layer[] {
  if (activations.length !== stack.length + 1) {
    throw new OptionError(
      `Need ${stack.length + 1} activation qparams (the input and each layer's output). Received ${activations.length}.`,
      'activations',
      activations.length,
    );
  }
  return stack.map((layer, k) => {
    const { weights: codes, scales } = quantizeWeights(layer, weights);
    const input = activations[k]!;
    const bias = Int32Array.from(layer.bias, (b, c) => roundHalfEven(b / (input.scale * scales[c]!)));
    return {
      inputs: layer.inputs,
      outputs: layer.outputs,
      weights: codes,
      weightScales: scales,
      bias,
      input,
      output: activations[k + 1]!,
      relu: layer.relu,
    };
  });
}

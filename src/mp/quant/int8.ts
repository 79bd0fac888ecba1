/**
 * Real integer inference for a stack of dense layers: int8 weights (symmetric, one scale per output channel),
 * uint8 activations (affine), int32 bias, int32 accumulation, and requantization of each layer's output:
 *     acc[c]  = Σ_i (x_q[i] − z_x) · w_q[i][c] + b_q[c]                (exact integers)
 *     y_q[c]  = clamp(round(acc[c] · s_x·s_w[c]/s_y) + z_y, lo, 255)    (lo = z_y when ReLU is fused, else 0)
 * Only the multiplier M = s_x·s_w/s_y is a real number (a fixed-point multiplier on hardware).
 */
import { roundHalfEven } from '../formats/round';
import type { TensorQParams } from './observers';

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

/** Quantizes float values to uint8 codes with (scale, zeroPoint): clamp(round(x/s) + z, 0, 255). */
export function quantizeUint8(x: Float32Array, q: TensorQParams): Uint8Array {
  const out = new Uint8Array(x.length);
  const inv = Math.fround(1 / Math.fround(q.scale));
  for (let i = 0; i < x.length; i++)
    out[i] = Math.min(255, Math.max(0, q.zeroPoint + roundHalfEven(Math.fround(x[i]! * inv))));
  return out;
}

/** One layer on a batch of uint8 rows: returns the next layer's uint8 rows. */
export function int8Dense(layer: Int8Layer, x: Uint8Array, rows: number): Uint8Array {
  const { inputs, outputs, weights, weightScales, bias, input, output, relu } = layer;
  const out = new Uint8Array(rows * outputs);
  const centered = new Int32Array(inputs);
  const lo = relu ? output.zeroPoint : 0;
  const multipliers = Float64Array.from(weightScales, (sw) => (input.scale * sw) / output.scale);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < inputs; i++) centered[i] = x[r * inputs + i]! - input.zeroPoint;
    for (let c = 0; c < outputs; c++) {
      let acc = bias[c]!;
      const w = c * inputs;
      for (let i = 0; i < inputs; i++) acc += centered[i]! * weights[w + i]!; // |acc| < 2^31 for 784 inputs
      out[r * outputs + c] = Math.min(255, Math.max(lo, roundHalfEven(acc * multipliers[c]!) + output.zeroPoint));
    }
  }
  return out;
}

/** A whole int8 network: quantize the input once, run the layers in integers, dequantize the last output. */
export class Int8Mlp {
  constructor(readonly layers: readonly Int8Layer[]) {}

  /** Float logits for rows of float inputs (rows × inputs of the first layer). */
  predict(x: Float32Array, rows: number): Float32Array {
    let h = quantizeUint8(x, this.layers[0]!.input);
    for (const layer of this.layers) h = int8Dense(layer, h, rows);
    const q = this.layers[this.layers.length - 1]!.output;
    return Float32Array.from(h, (v) => (v - q.zeroPoint) * q.scale);
  }

  /** Bytes of the deployed model: int8 weights, int32 biases, a float32 scale per channel and qparams per layer. */
  get bytes(): number {
    return this.layers.reduce((s, l) => s + l.weights.length + 4 * l.bias.length + 4 * l.weightScales.length + 16, 0);
  }
}

/**
 * Post-training quantization. Static: run calibration batches through the float model, observe every
 * activation, fix their qparams, convert. Dynamic: int8 weights only; each batch's activations are
 * quantized with qparams computed from that batch at run time, and outputs come back as floats.
 */
import { checkChoice, checkOptionKeys } from '../../mp/errors';
import { affineQuantize } from '../../mp/quant/fake_quant';
import { Int8Mlp, quantizeWeights, toInt8Layers, transposeCodes, UINT8, type WeightGranularity } from './int8';
import { HistogramObserver, MinMaxObserver } from '../../mp/quant/observers';
import { denseForward, type DenseLayerWeights } from './stack';

export const CALIBRATION_OBSERVERS = ['minmax', 'histogram'] as const;
export type CalibrationObserver = (typeof CALIBRATION_OBSERVERS)[number];

export interface StaticQuantizeOptions {
  /** The activations' observer (default minmax). */
  readonly observer?: CalibrationObserver;
  /** One weight scale per output channel (default, torch's choice for static PTQ) or one per kernel. */
  readonly weights?: WeightGranularity;
}

/**
 * Static PTQ: calibrate on `batches` (rows × inputs each), then convert to an integer model. Every activation
 * gets one scale and zero point (per tensor), fixed from then on.
 *
 *     const int8 = staticQuantize(stack, calibrationBatches, { observer: 'histogram', weights: 'per_tensor' });
 */
export function staticQuantize(
  stack: readonly DenseLayerWeights[],
  batches: readonly Float32Array[],
  options: CalibrationObserver | StaticQuantizeOptions = {},
): Int8Mlp {
  const { observer = 'minmax', weights = 'per_channel' } =
    typeof options === 'string' ? { observer: options } : options;
  if (typeof options === 'object') checkOptionKeys('staticQuantize', options, ['observer', 'weights']);
  checkChoice('observer', observer, CALIBRATION_OBSERVERS);
  const observers = Array.from({ length: stack.length + 1 }, () =>
    observer === 'histogram' ? new HistogramObserver() : new MinMaxObserver(),
  );
  const see = (k: number, values: Float32Array): void => observers[k]!.observeValues(values);
  for (const batch of batches) {
    const rows = batch.length / stack[0]!.inputs;
    let h = batch;
    see(0, h);
    stack.forEach((layer, k) => {
      h = denseForward(layer, h, rows);
      see(k + 1, h);
    });
  }
  return new Int8Mlp(
    toInt8Layers(
      stack,
      observers.map((o) => o.calculateQParams()),
      weights,
    ),
  );
}

/**
 * Dynamic quantization, the idea of torch's quantize_dynamic: int8 weights (here one scale per output
 * channel), and each layer's input quantized to uint8 with qparams computed from that input's own min and max
 * at run time. Outputs come back as floats. Each call of predict is one batch: its rows share those qparams.
 */
export class DynamicInt8Mlp {
  private readonly layers;

  constructor(readonly stack: readonly DenseLayerWeights[]) {
    this.layers = stack.map((layer) => {
      const { weights, scales } = quantizeWeights(layer);
      return { layer, scales, byInput: transposeCodes(weights, layer.outputs, layer.inputs) };
    });
  }

  predict(x: Float32Array, rows: number): Float32Array {
    let h = x;
    for (const { layer, byInput, scales } of this.layers) {
      let lo = 0;
      let hi = 0;
      for (const v of h) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      const q = MinMaxObserver.qparamsOf(lo, hi);
      const xq = affineQuantize(h, { ...q, ...UINT8 });
      const y = new Float32Array(rows * layer.outputs);
      const acc = new Float64Array(layer.outputs); // integer sums, exact in float64
      for (let r = 0; r < rows; r++) {
        acc.fill(0);
        for (let i = 0; i < layer.inputs; i++) {
          const xi = xq[r * layer.inputs + i]! - q.zeroPoint;
          if (xi === 0) continue; // adds nothing: skipped, as in int8Dense
          for (let c = 0; c < layer.outputs; c++) acc[c]! += xi * byInput[i * layer.outputs + c]!;
        }
        for (let c = 0; c < layer.outputs; c++) {
          const v = acc[c]! * q.scale * scales[c]! + layer.bias[c]!;
          y[r * layer.outputs + c] = layer.relu ? Math.max(v, 0) : v;
        }
      }
      h = y;
    }
    return h;
  }

  get bytes(): number {
    return this.layers.reduce((s, l) => s + l.byInput.length + 4 * l.scales.length + 4 * l.layer.bias.length, 0);
  }
}

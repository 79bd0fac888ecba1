/**
 * Post-training quantization. Static: run calibration batches through the float model, observe every
 * activation, fix their qparams, convert. Dynamic: int8 weights only; each batch's activations are
 * quantized with qparams computed from that batch at run time, and outputs come back as floats.
 */
import { checkChoice } from '../../mp/errors';
import { affineQuantize } from '../../mp/quant/fake_quant';
import { Int8Mlp, quantizeWeights, toInt8Layers, UINT8 } from './int8';
import { HistogramObserver, MinMaxObserver } from '../../mp/quant/observers';
import { denseForward, type DenseLayerWeights } from './stack';

export const CALIBRATION_OBSERVERS = ['minmax', 'histogram'] as const;
export type CalibrationObserver = (typeof CALIBRATION_OBSERVERS)[number];

/** Static PTQ: calibrate on `batches` (rows × inputs each), then convert to an integer model. */
export function staticQuantize(
  stack: readonly DenseLayerWeights[],
  batches: readonly Float32Array[],
  observer: CalibrationObserver = 'minmax',
): Int8Mlp {
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
    ),
  );
}

/** Dynamic quantization: int8 weights, activations quantized per batch at run time (as torch's quantize_dynamic). */
export class DynamicInt8Mlp {
  private readonly layers;

  constructor(readonly stack: readonly DenseLayerWeights[]) {
    this.layers = stack.map((layer) => ({ layer, ...quantizeWeights(layer) }));
  }

  predict(x: Float32Array, rows: number): Float32Array {
    let h = x;
    for (const { layer, weights, scales } of this.layers) {
      // qparams of this batch's activations (quint8, affine), then an integer product, dequantized at once
      let lo = 0;
      let hi = 0;
      for (const v of h) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      const q = MinMaxObserver.qparamsOf(lo, hi);
      const xq = affineQuantize(h, { ...q, ...UINT8 });
      const y = new Float32Array(rows * layer.outputs);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < layer.outputs; c++) {
          let acc = 0;
          for (let i = 0; i < layer.inputs; i++)
            acc += (xq[r * layer.inputs + i]! - q.zeroPoint) * weights[c * layer.inputs + i]!;
          const v = acc * q.scale * scales[c]! + layer.bias[c]!;
          y[r * layer.outputs + c] = layer.relu ? Math.max(v, 0) : v;
        }
      }
      h = y;
    }
    return h;
  }

  get bytes(): number {
    return this.layers.reduce((s, l) => s + l.weights.length + 4 * l.scales.length + 4 * l.layer.bias.length, 0);
  }
}

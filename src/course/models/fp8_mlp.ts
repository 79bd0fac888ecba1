/** FP8 inference for a stack of dense layers, with per-tensor scales from DelayedScaling. */
import { DelayedScaling } from '../../mp/quant/fp8_scaling';
import { denseForward, type DenseLayerWeights } from './stack';

/** e4m3 weights (per-tensor scale) and activations (delayed scaling), float32 accumulation. */
export class Fp8Mlp {
  private readonly layers: { layer: DenseLayerWeights; scaler: DelayedScaling }[];

  /** `calibration`: batches of rows (rows × inputs each) that fill the activations' amax histories. */
  constructor(stack: readonly DenseLayerWeights[], calibration: readonly Float32Array[]) {
    this.layers = stack.map((layer) => {
      const weights = new DelayedScaling({ historyLength: 1 });
      weights.cast(layer.kernel); // records amax: the weights' scale is their current amax
      return { layer: { ...layer, kernel: weights.cast(layer.kernel) }, scaler: new DelayedScaling() };
    });
    for (const batch of calibration) this.predict(batch, batch.length / stack[0]!.inputs);
  }

  predict(x: Float32Array, rows: number): Float32Array {
    return this.layers.reduce((h, { layer, scaler }) => denseForward(layer, scaler.cast(h), rows), x);
  }

  /** Bytes of the deployed model: one byte per weight, float32 biases, two float32 scales per layer. */
  get bytes(): number {
    return this.layers.reduce((s, { layer }) => s + layer.kernel.length + 4 * layer.bias.length + 8, 0);
  }
}

/**
 * Quantization-aware training, torch.ao's flow for a stack of dense layers:
 *   1. prepare: fake-quantize the weights (weightQParams: int8, symmetric, per output channel) and every
 *      activation (uint8, affine, qparams from a moving-average observer);
 *   2. train: any loop that minimises a loss of `forward(x, true)` over `variables`; gradients pass the fake
 *      quantizers by the clipping straight-through estimator (the course's MNIST loop: experiments/qat.ts);
 *   3. convert: int8 weights, int32 biases and the observed activation qparams;
 *   4. run real integer inference (Int8Mlp).
 */
import * as tf from '@tensorflow/tfjs';
import { fakeQuantize, fakeQuantizePerChannel } from './fake_quant';
import { Int8Mlp, toInt8Layers } from './int8';
import { MovingAverageMinMaxObserver, weightQParams } from './observers';
import type { TensorQParams } from './qparams';
import type { DenseLayerWeights } from './stack';

export class QatMlp {
  readonly kernels: tf.Variable[];
  readonly biases: tf.Variable[];
  readonly relu: boolean[];
  /** One per activation: the network's input, then each layer's output. */
  readonly activationObservers: MovingAverageMinMaxObserver[];

  /** Step 1: prepare a trained float network for QAT. */
  constructor(stack: readonly DenseLayerWeights[]) {
    this.kernels = stack.map((l) => tf.variable(tf.tensor2d(l.kernel, [l.inputs, l.outputs])));
    this.biases = stack.map((l) => tf.variable(tf.tensor1d(l.bias)));
    this.relu = stack.map((l) => l.relu);
    this.activationObservers = Array.from({ length: stack.length + 1 }, () => new MovingAverageMinMaxObserver());
  }

  private fakeQuantActivation(h: tf.Tensor, k: number, observe: boolean): tf.Tensor {
    const observer = this.activationObservers[k]!;
    if (observe) observer.observe(h);
    const { scale, zeroPoint } = observer.calculateQParams();
    return fakeQuantize(h, { scale, zeroPoint, quantMin: observer.quantMin, quantMax: observer.quantMax });
  }

  private fakeQuantWeights(k: number): tf.Tensor {
    return fakeQuantizePerChannel(this.kernels[k]!, weightQParams(this.kernels[k]! as tf.Tensor2D));
  }

  /** The fake-quantized forward pass; `observe` updates the activation observers (training and calibration). */
  forward(x: tf.Tensor2D, observe = false): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor = this.fakeQuantActivation(x, 0, observe);
      this.kernels.forEach((_, k) => {
        h = tf.add(tf.matMul(h as tf.Tensor2D, this.fakeQuantWeights(k) as tf.Tensor2D), this.biases[k]!);
        if (this.relu[k]) h = tf.relu(h);
        h = this.fakeQuantActivation(h, k + 1, observe);
      });
      return h as tf.Tensor2D;
    });
  }

  /** What step 2 trains: every kernel and bias. */
  get variables(): tf.Variable[] {
    return [...this.kernels, ...this.biases];
  }

  activationQParams(): TensorQParams[] {
    return this.activationObservers.map((o) => o.calculateQParams());
  }

  /** The trained float weights. */
  toStack(): DenseLayerWeights[] {
    return this.kernels.map((k, i) => {
      const [inputs, outputs] = k.shape as [number, number];
      return {
        inputs,
        outputs,
        kernel: k.dataSync() as Float32Array,
        bias: this.biases[i]!.dataSync() as Float32Array,
        relu: this.relu[i]!,
      };
    });
  }

  /** Step 3: convert to an integer network (step 4 is its predict). */
  convert(): Int8Mlp {
    return new Int8Mlp(toInt8Layers(this.toStack(), this.activationQParams()));
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

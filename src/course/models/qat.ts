/**
 * Quantization-aware training, torch.ao's flow for a stack of dense layers:
 *   1. prepare: fake-quantize the weights (weightQParams: int8, symmetric, per output channel) and every
 *      activation (uint8, affine, qparams from a moving-average observer);
 *   2. train: any loop that minimises a loss of `forwardWith(x, await observe(x))` over `variables`; gradients pass the fake
 *      quantizers by the clipping straight-through estimator (the course's MNIST loop: experiments/qat.ts);
 *   3. convert: int8 weights, int32 biases and the observed activation qparams;
 *   4. run real integer inference (Int8Mlp).
 * Every read back is awaited, so the flow runs on every backend: a training step is `const q = await
 * qat.observe(x)`, then a loss of `forwardWith(x, q)`.
 */
import * as tf from '@tensorflow/tfjs';
import { fakeQuantize, fakeQuantizePerChannel } from '../../mp/quant/fake_quant';
import { Int8Mlp, toInt8Layers } from './int8';
import { MovingAverageMinMaxObserver, weightQParams } from '../../mp/quant/observers';
import type { PerChannelQParams, TensorQParams } from '../../mp/quant/qparams';
import type { DenseLayerWeights } from './stack';

/** The qparams one forward pass quantizes with: one per activation (input first), one per kernel. */
export interface QatQParams {
  readonly activations: readonly TensorQParams[];
  readonly weights: readonly PerChannelQParams[];
}

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

  private fakeQuantActivation(h: tf.Tensor, k: number, qparams: TensorQParams): tf.Tensor {
    const { quantMin, quantMax } = this.activationObservers[k]!;
    return fakeQuantize(h, { scale: qparams.scale, zeroPoint: qparams.zeroPoint, quantMin, quantMax });
  }

  /** Layer k on its fake-quantized input: fake-quantized weights, bias, relu. */
  private layer(k: number, hq: tf.Tensor, weights: PerChannelQParams): tf.Tensor {
    const w = fakeQuantizePerChannel(this.kernels[k]!, weights);
    const y = tf.add(tf.matMul(hq as tf.Tensor2D, w as tf.Tensor2D), this.biases[k]!);
    return this.relu[k] ? tf.relu(y) : y;
  }

  /**
   * The fake-quantized forward pass with given qparams (from observe or qparams): no read back.
   *
   *     const q = await qat.observe(x);
   *     optimizer.minimize(() => softmaxLoss(y, qat.forwardWith(x, q)), false, qat.variables);
   */
  forwardWith(x: tf.Tensor2D, qparams: QatQParams): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor = this.fakeQuantActivation(x, 0, qparams.activations[0]!);
      this.kernels.forEach((_, k) => {
        h = this.layer(k, h, qparams.weights[k]!);
        h = this.fakeQuantActivation(h, k + 1, qparams.activations[k + 1]!);
      });
      return h as tf.Tensor2D;
    });
  }

  /**
   * Observes a batch as a training step does (the activation observers follow it) and returns the qparams to
   * train it with: forwardWith(x, them) is the step's fake-quantized pass. The pass runs without gradients, each
   * activation observed before it is quantized; every read is awaited.
   */
  async observe(x: tf.Tensor2D): Promise<QatQParams> {
    const weights = await Promise.all(this.kernels.map((k) => weightQParams(k as tf.Tensor2D)));
    const activations: TensorQParams[] = [];
    let h: tf.Tensor = x;
    try {
      for (let k = 0; k <= this.kernels.length; k++) {
        const observer = this.activationObservers[k]!;
        await observer.observeAsync(h);
        activations.push(observer.calculateQParams());
        if (k === this.kernels.length) break;
        const input = h;
        h = tf.tidy(() => this.layer(k, this.fakeQuantActivation(input, k, activations[k]!), weights[k]!));
        if (input !== x) input.dispose();
      }
    } finally {
      if (h !== x) h.dispose();
    }
    return { activations, weights };
  }

  /** @deprecated observe() awaits its reads. */
  observeAsync(x: tf.Tensor2D): Promise<QatQParams> {
    return this.observe(x);
  }

  /** What step 2 trains: every kernel and bias. */
  get variables(): tf.Variable[] {
    return [...this.kernels, ...this.biases];
  }

  activationQParams(): TensorQParams[] {
    return this.activationObservers.map((o) => o.calculateQParams());
  }

  /** The qparams the model quantizes with now (observing nothing), the kernels read with awaited reads. */
  async qparams(): Promise<QatQParams> {
    const weights = await Promise.all(this.kernels.map((k) => weightQParams(k as tf.Tensor2D)));
    return { activations: this.activationQParams(), weights };
  }

  /** @deprecated qparams() awaits its reads. */
  qparamsAsync(): Promise<QatQParams> {
    return this.qparams();
  }

  /** The trained float weights, read with awaited reads. */
  async toStack(): Promise<DenseLayerWeights[]> {
    return Promise.all(
      this.kernels.map(async (k, i) =>
        this.weightsOf(i, (await k.data()) as Float32Array, (await this.biases[i]!.data()) as Float32Array),
      ),
    );
  }

  /** @deprecated toStack() awaits its reads. */
  toStackAsync(): Promise<DenseLayerWeights[]> {
    return this.toStack();
  }

  private weightsOf(i: number, kernel: Float32Array, bias: Float32Array): DenseLayerWeights {
    const [inputs, outputs] = this.kernels[i]!.shape as [number, number];
    return { inputs, outputs, kernel, bias, relu: this.relu[i]! };
  }

  /** Step 3: convert to an integer network (step 4 is its predict), the weights read with awaited reads. */
  async convert(): Promise<Int8Mlp> {
    return new Int8Mlp(toInt8Layers(await this.toStack(), this.activationQParams()));
  }

  /** @deprecated convert() awaits its reads. */
  convertAsync(): Promise<Int8Mlp> {
    return this.convert();
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

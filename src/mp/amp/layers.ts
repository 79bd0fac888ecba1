/**
 * Policy-aware layers for tfjs-layers (tf.sequential, model.fit). A MixedDense runs its ops through autocast
 * (AUTOCAST_OPS decides): `dense` is a compute op, so with the default table it computes
 *     y = act(round_c(round_c(x)·round_c(W) + round_c(b)))
 * where round_c is a cast point (castToCompute): the product of low-precision inputs is accumulated in
 * float32, as tensor cores do, and the result is stored in the compute format. Gradients are rounded at
 * the same points on the way back, and W itself stays in the variable format (float32 master weights under
 * mixed policies). The activation takes its own entry (`relu` passes through, `softmax` stays in float32).
 * Under a policy that casts, `dense` runs as one kernel (amp/dense.ts) that asks the table too, bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { checkChoice, checkOptionKeys } from '../errors';
import { fakeCast } from '../ops/quantize';
import { autocast } from './autocast';
import { castsUnder } from './cast';
import { denseWithCasts, fusedDenseActivation, fusedDenseUnder } from './dense';
import { matMul } from './matmul';
import { policy as toPolicy, type Policy } from './policy';

export const DENSE_ACTIVATIONS = ['linear', 'relu', 'softmax'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];
const ACTIVATIONS: Record<'relu' | 'softmax', (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  softmax: (x) => tf.softmax(x),
};

export interface MixedDenseArgs {
  units: number;
  /** Each runs as its AUTOCAST_OPS entry says: relu passes through in the compute format, softmax runs in float32. */
  activation?: DenseActivation;
  /** A policy name or object; default float32. Keras advises float32 for the output layer. */
  policy?: string | Policy;
  inputShape?: number[];
  /** Seed of the Glorot-uniform kernel initializer, for reproducible runs. */
  seed?: number;
  name?: string;
}

const MIXED_DENSE_KEYS = ['units', 'activation', 'policy', 'inputShape', 'seed', 'name'];

export class MixedDense extends tf.layers.Layer {
  static readonly className = 'MixedDense';
  readonly units: number;
  readonly activation: DenseActivation;
  readonly policy: Policy;
  private readonly seed: number | undefined;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: MixedDenseArgs) {
    // the last three are what tfjs's own layer config round trip passes back
    checkOptionKeys('MixedDense', args, [...MIXED_DENSE_KEYS, 'trainable', 'batchInputShape', 'dtype']);
    super({ ...(args.inputShape ? { inputShape: args.inputShape } : {}), ...(args.name ? { name: args.name } : {}) });
    this.units = args.units;
    this.activation = checkChoice('activation', args.activation ?? 'linear', DENSE_ACTIVATIONS);
    this.policy = toPolicy(args.policy ?? 'float32');
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inDim = shape[shape.length - 1]!;
    const init = tf.initializers.glorotUniform(this.seed === undefined ? {} : { seed: this.seed });
    this.kernel = this.addWeight('kernel', [inDim, this.units], 'float32', init);
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    if (this.policy.variable.name !== 'float32') {
      // pure low-precision policies store the weights themselves in the low format
      for (const w of [this.kernel, this.bias]) w.write(tf.tidy(() => fakeCast(w.read(), this.policy.variable)));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const p = this.policy;
      const [w, b] = [this.kernel!.read(), this.bias!.read()];
      // on wasm, the table's casts around dense and a ReLU after it as one kernel (amp/dense.ts asks the table)
      const fused = fusedDenseActivation(p, this.activation);
      const [x2, w2, b1] = [x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D];
      let y: tf.Tensor;
      if (fused) y = fusedDenseUnder(x2, w2, b1, p, fused);
      // under a policy that casts, the table's casts around dense as one tape node
      else if (castsUnder(p)) y = denseWithCasts(x2, w2, b1, p);
      else
        y = autocast('dense', p, [x, w, b], (xc, wc, bc) => tf.add(matMul(xc as tf.Tensor2D, wc as tf.Tensor2D), bc));
      if (this.activation === 'linear' || fused === this.activation) return y;
      return autocast(this.activation, p, [y], ACTIVATIONS[this.activation]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, policy: this.policy.name };
  }
}

tf.serialization.registerClass(MixedDense);

/**
 * LossScaleOptimizer wraps any tfjs optimizer: it scales the loss, unscales the gradients (so clipping and
 * logging see true values), skips the update when a gradient is inf or NaN, updates the scale, and keeps
 * the variables in the policy's variable format. It works with model.fit and in a custom loop.
 *
 *     const opt = new LossScaleOptimizer(tf.train.adam(1e-3), new DynamicLossScaler());
 *     model.compile({ optimizer: opt, loss });                 // or, in a loop:
 *     const { value, grads } = opt.computeGradients(lossFn);   // unscaled gradients
 *     clip(grads); opt.applyGradients(grads);                 // skipped if non-finite
 */
import * as tf from '@tensorflow/tfjs';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import type { FloatFormat } from '../formats/spec';
import { quantize } from '../ops/quantize';
import type { LossScaler } from './loss_scaler';

/** tfjs' { name, tensor } pair (not exported by name from @tensorflow/tfjs). */
type NamedTensor = { name: string; tensor: tf.Tensor };

export class LossScaleOptimizer extends tf.Optimizer {
  static readonly className = 'LossScaleOptimizer';
  private readonly variableFormat: FloatFormat;
  /** Whether the last applyGradients call skipped its update. */
  lastStepSkipped = false;

  /**
   * @param variableFormat the format the variables are stored in: float32 for mixed policies (master
   *   weights); float16 or bfloat16 for pure policies, where each updated weight is rounded back.
   */
  constructor(
    readonly inner: tf.Optimizer,
    readonly scaler: LossScaler,
    variableFormat: FormatLike = 'float32',
  ) {
    super();
    this.variableFormat = getFloatFormat(variableFormat);
  }

  override computeGradients(
    f: () => tf.Scalar,
    varList?: tf.Variable[],
  ): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    const scale = this.scaler.scale;
    const { value, grads } = tf.variableGrads(() => (scale === 1 ? f() : tf.mul(f(), scale)), varList);
    if (scale === 1) return { value, grads };
    const unscaled: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) unscaled[name] = tf.div(g, scale);
    const loss = tf.div(value, scale) as tf.Scalar;
    tf.dispose([value, ...Object.values(grads)]);
    return { value: loss, grads: unscaled };
  }

  override applyGradients(grads: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(grads) ? grads.map((g) => g.tensor) : Object.values(grads);
    const nonFinite = this.scaler.enabled && hasNonFinite(list);
    this.scaler.update(nonFinite);
    this.lastStepSkipped = nonFinite;
    if (nonFinite) return;
    this.inner.applyGradients(grads);
    if (this.variableFormat.name !== 'float32') this.roundVariables(grads);
  }

  /** Rounds the updated variables to the variable format: an update smaller than half an ulp is lost. */
  private roundVariables(grads: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
    const vars = tf.engine().registeredVariables;
    for (const name of names) {
      const v = vars[name];
      if (v) tf.tidy(() => v.assign(quantize(v, this.variableFormat)));
    }
  }

  override dispose(): void {
    this.inner.dispose();
    super.dispose();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return this.inner.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    return this.inner.setWeights(weightValues);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { inner: this.inner.getClassName(), scale: this.scaler.scale, variableFormat: this.variableFormat.name };
  }
}

/** Whether any tensor holds inf or NaN (one read-back for all of them). */
export function hasNonFinite(tensors: tf.Tensor[]): boolean {
  if (tensors.length === 0) return false;
  const flag = tf.tidy(() => tf.logicalNot(tf.all(tf.stack(tensors.map((t) => tf.all(tf.isFinite(t)))))));
  const out = flag.dataSync()[0] === 1;
  flag.dispose();
  return out;
}

/**
 * LossScaleOptimizer wraps any tfjs optimizer: it scales the loss, unscales the gradients (so clipping and
 * logging see true values), skips the update when a gradient is inf or NaN, updates the scale, and keeps
 * the variables in the policy's variable format. It works with model.fit and in a custom loop.
 *
 *     const opt = new LossScaleOptimizer(tf.train.adam(1e-3), new DynamicLossScaler());
 *     model.compile({ optimizer: opt, loss });                 // or, in a loop:
 *     const { value, grads } = opt.computeGradients(lossFn);   // unscaled gradients
 *     clip(grads); opt.applyGradients(grads);                 // skipped if non-finite
 *
 * Nothing is read back per step (as torch's GradScaler with a fused optimizer): the found-inf flag and the
 * scale stay in tensors, the inner optimizer always runs, and where the flag is set every variable it wrote
 * (weights and its own state: moments, accumulated betas) is put back with tf.where. Before the first step on a
 * variable, a zero-gradient step that is then undone makes the inner optimizer create its state. tfjs' host-side
 * iteration count (used only by getWeights) also counts skipped steps.
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
  /** The last step's found-inf flag (a bool scalar), kept until the next step. */
  private lastFound?: tf.Scalar;
  /** Variables the inner optimizer has state for: a step on them can be masked instead of read. */
  private readonly primed = new Set<string>();

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

  /** Whether the last applyGradients call skipped its update (reads the flag back: a sync). */
  get lastStepSkipped(): boolean {
    return this.lastFound !== undefined && !this.lastFound.isDisposed && this.lastFound.dataSync()[0] === 1;
  }

  override computeGradients(
    f: () => tf.Scalar,
    varList?: tf.Variable[],
  ): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    if (!this.scaler.enabled) return tf.variableGrads(f, varList);
    const scale = this.scaler.scaleTensor();
    const { value, grads } = tf.variableGrads(() => tf.mul(f(), scale), varList);
    const unscaled: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) unscaled[name] = tf.div(g, scale);
    const loss = tf.div(value, scale) as tf.Scalar;
    tf.dispose([value, ...Object.values(grads)]);
    return { value: loss, grads: unscaled };
  }

  override applyGradients(grads: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(grads) ? grads.map((g) => g.tensor) : Object.values(grads);
    const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
    this.lastFound?.dispose();
    this.lastFound = undefined;
    if (!this.scaler.enabled) {
      this.scaler.update(false);
      this.step(grads, names);
      return;
    }
    const found = tf.keep(nonFiniteFlag(list));
    this.lastFound = found;
    this.scaler.updateOnDevice(found);
    if (!names.every((n) => this.primed.has(n))) this.prime(names);
    const vars = tf.engine().registeredVariables;
    const written = [...names.map((n) => vars[n]).filter((v): v is tf.Variable => v !== undefined)];
    written.push(...optimizerState(this.inner));
    const before = written.map(share);
    this.step(grads, names);
    tf.tidy(() => {
      // tf.where would broadcast the scalar flag with Tile, which is slow on wasm: build one full-shape
      // condition per shape instead (a Fill and a broadcasting compare)
      const skip = tf.cast(found, 'float32');
      const conditions = new Map<string, tf.Tensor>();
      written.forEach((v, i) => {
        const key = v.shape.join(',');
        let condition = conditions.get(key);
        if (!condition) conditions.set(key, (condition = tf.greater(skip, this.zerosOf(v.shape))));
        v.assign(tf.where(condition, before[i]!, v));
      });
    });
    tf.dispose(before);
  }

  /**
   * Makes the inner optimizer create its state for `names` without changing anything: one step with zero
   * gradients, then every variable it touched is put back. (With a zero gradient, every tfjs optimizer's new
   * slots hold their initial values: zero moments, Adagrad's initial accumulator.)
   */
  private prime(names: string[]): void {
    const vars = tf.engine().registeredVariables;
    const weights = names.map((n) => vars[n]).filter((v): v is tf.Variable => v !== undefined);
    const written = [...weights, ...optimizerState(this.inner)];
    const before = written.map(share);
    const counter = this.inner as unknown as { iterations_?: number };
    const iterations = counter.iterations_;
    const zeros: tf.NamedTensorMap = {};
    for (const v of weights) zeros[v.name] = tf.zerosLike(v);
    this.inner.applyGradients(zeros);
    written.forEach((v, i) => v.assign(before[i]!));
    counter.iterations_ = iterations;
    tf.dispose([...before, ...Object.values(zeros)]);
    for (const n of names) this.primed.add(n);
  }

  /** A kept zero tensor per shape, for the step's masks. */
  private readonly zeros = new Map<string, tf.Tensor>();
  private zerosOf(shape: number[]): tf.Tensor {
    const key = shape.join(',');
    let z = this.zeros.get(key);
    if (!z) this.zeros.set(key, (z = tf.keep(tf.zeros(shape))));
    return z;
  }

  private step(grads: tf.NamedTensorMap | NamedTensor[], names: string[]): void {
    this.inner.applyGradients(grads);
    if (this.variableFormat.name !== 'float32') this.roundVariables(names);
  }

  /** Rounds the updated variables to the variable format: an update smaller than half an ulp is lost. */
  private roundVariables(names: string[]): void {
    const vars = tf.engine().registeredVariables;
    for (const name of names) {
      const v = vars[name];
      if (v) tf.tidy(() => v.assign(quantize(v, this.variableFormat)));
    }
  }

  override dispose(): void {
    this.lastFound?.dispose();
    tf.dispose([...this.zeros.values()]);
    this.zeros.clear();
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

/** A second tensor on a variable's current data, without a copy (tfjs never writes data in place). */
function share(v: tf.Variable): tf.Tensor {
  const engine = tf.engine();
  engine.backend.incRef(v.dataId);
  return engine.makeTensorFromDataId(v.dataId, v.shape, v.dtype);
}

/** A bool scalar tensor: whether any tensor holds inf or NaN (nothing is read back). */
export function nonFiniteFlag(tensors: tf.Tensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(false, 'bool');
  return tf.tidy(() => tf.logicalNot(tf.all(tf.stack(tensors.map((t) => tf.all(tf.isFinite(t))))))) as tf.Scalar;
}

/** Whether any tensor holds inf or NaN (one read-back for all of them). */
export function hasNonFinite(tensors: tf.Tensor[]): boolean {
  const flag = nonFiniteFlag(tensors);
  const out = flag.dataSync()[0] === 1;
  flag.dispose();
  return out;
}

/**
 * The variables a tfjs optimizer keeps as state: its own tf.Variable fields (Adam's accumulated betas) and
 * its slot lists (arrays of { originalName, variable }). Every built-in tfjs optimizer keeps its state so.
 */
export function optimizerState(opt: tf.Optimizer): tf.Variable[] {
  const out: tf.Variable[] = [];
  for (const value of Object.values(opt)) {
    if (value instanceof tf.Variable) out.push(value);
    else if (Array.isArray(value)) {
      for (const item of value) {
        if (item instanceof tf.Variable) out.push(item);
        else if (item && (item as { variable?: unknown }).variable instanceof tf.Variable) {
          out.push((item as { variable: tf.Variable }).variable);
        }
      }
    }
  }
  return out;
}

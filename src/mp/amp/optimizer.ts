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
 * scale stay in tensors. A tf.train.adam on cpu or wasm takes the fused Adam kernel (fused_adam.ts: one pass
 * per variable, bit-identical to tfjs' Adam), masked under an enabled scaler; the flag is one kernel
 * (nonFiniteFlag), or comes with the unscaled gradients from computeGradients' one kernel (unscale.ts).
 * Any other optimizer always runs, and where the flag is set every variable it wrote (weights and its own
 * state: moments, accumulated betas) is put back with tf.where; before its first step on a
 * variable, a zero-gradient step that is then undone makes it create its state. tfjs' host-side iteration
 * count (used only by getWeights) also counts skipped steps.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionKeys, OptionError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import type { FloatFormat } from '../formats/spec';
import { registerCpuWasmKernel } from '../ops/cpu_wasm';
import { KERNELS } from '../ops/kernel_names';
import { reduceAll } from '../ops/reduce';
import { fusedAdamApplies, fusedAdamStep } from './fused_adam';
import type { LossScaler } from './loss_scaler';
import { unscaleWithFlag } from './unscale';
import { WeightWriter, type WeightUpdate } from './weight_update';
import {
  gradientsSeeded,
  optimizerIterations,
  optimizerState,
  registeredVariables,
  shareData,
} from '../tfjs_internals';

/** tfjs' { name, tensor } pair (not exported by name from @tensorflow/tfjs). */
export type NamedTensor = { name: string; tensor: tf.Tensor };

export class LossScaleOptimizer extends tf.Optimizer {
  static readonly className = 'LossScaleOptimizer';
  private readonly variableFormat: FloatFormat;
  /** The last step's found-inf flag (a bool scalar), kept until the next step. */
  private lastFound?: tf.Scalar;
  /** computeGradients' unscaled gradients and their found-inf flag, for applyGradients to take. */
  private pending?: { grads: tf.Tensor[]; found: tf.Scalar };
  /** Variables the inner optimizer has state for: a step on them can be masked instead of read. */
  private readonly primed = new Set<string>();
  /** Writes the updated weights back in a low-precision variable format; none for float32 variables. */
  private readonly writer?: WeightWriter;
  /** The scaler's skipped steps when the inner optimizer's step count was last right (construction, setWeights). */
  private skippedBefore: Promise<number>;

  /**
   * @param variableFormat the format the variables are stored in: float32 for mixed policies (master
   *   weights); float16 or bfloat16 for pure policies, where each updated weight is rounded back.
   * @param options.weightUpdate how that rounding is done (weight_update.ts): `nearest` (default),
   *   `stochastic` or `kahan`; `seed` seeds stochastic rounding.
   */
  constructor(
    readonly inner: tf.Optimizer,
    readonly scaler: LossScaler,
    variableFormat: FormatLike = 'float32',
    options: { readonly weightUpdate?: WeightUpdate; readonly seed?: number } = {},
  ) {
    super();
    checkOptionKeys('LossScaleOptimizer', options, ['weightUpdate', 'seed']);
    this.variableFormat = getFloatFormat(variableFormat);
    if (this.variableFormat.name !== 'float32')
      this.writer = new WeightWriter(this.variableFormat, options.weightUpdate, options.seed);
    else if ((options.weightUpdate ?? 'nearest') !== 'nearest')
      throw new OptionError(
        `weightUpdate '${options.weightUpdate}' rounds weights stored in 16 bits; these variables are float32.`,
        'weightUpdate',
        options.weightUpdate,
        ['nearest'],
      );
    this.skippedBefore = scaler.readStats().then((s) => s.skipped);
  }

  /** Whether the last applyGradients call skipped its update, read back with an awaited read (every backend). */
  async lastStepSkipped(): Promise<boolean> {
    if (this.lastFound === undefined || this.lastFound.isDisposed) return false;
    const flag = this.lastFound.clone(); // the next step may dispose lastFound while the read is pending
    try {
      return (await flag.data())[0] === 1;
    } finally {
      flag.dispose();
    }
  }

  /** @deprecated lastStepSkipped() awaits its read. */
  lastStepSkippedAsync(): Promise<boolean> {
    return this.lastStepSkipped();
  }

  override computeGradients(
    f: () => tf.Scalar,
    varList?: tf.Variable[],
  ): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    if (!this.scaler.enabled) return tf.variableGrads(f, varList);
    const scale = this.scaler.scaleTensor();
    const { value, grads } = scaledGrads(f, scale, varList);
    const [names, scaled] = [Object.keys(grads), Object.values(grads)];
    const fused = unscaleWithFlag(scaled, scale);
    const unscaled = fused?.unscaled ?? scaled.map((g) => tf.div(g, scale));
    tf.dispose(scaled);
    this.pending?.found.dispose();
    this.pending = fused && { grads: fused.unscaled, found: tf.keep(fused.found) };
    return { value, grads: Object.fromEntries(names.map((n, i) => [n, unscaled[i]!])) };
  }

  /** The flag computeGradients made with exactly these gradients, if it made one (each flag is taken once). */
  private takeFlag(list: tf.Tensor[]): tf.Scalar | undefined {
    const p = this.pending;
    this.pending = undefined;
    if (p && p.grads.length === list.length && p.grads.every((g, i) => g === list[i])) return p.found;
    p?.found.dispose();
    return undefined;
  }

  override applyGradients(grads: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(grads) ? grads.map((g) => g.tensor) : Object.values(grads);
    const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
    this.lastFound?.dispose();
    this.lastFound = undefined;
    if (!this.scaler.enabled) {
      this.scaler.update(false);
      this.step(grads, names, list);
      return;
    }
    const found = tf.keep(this.takeFlag(list) ?? nonFiniteFlag(list));
    this.lastFound = found;
    this.scaler.updateOnDevice(found);
    if (fusedAdamApplies(this.inner)) return this.step(grads, names, list, found);
    if (!names.every((n) => this.primed.has(n))) this.prime(names);
    const written: tf.Variable[] = [...variablesNamed(names), ...optimizerState(this.inner)];
    const before = written.map(shareData);
    this.step(grads, names, list, found);
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
    const vars = registeredVariables();
    const weights = names.map((n) => vars[n]).filter((v): v is tf.Variable => v !== undefined);
    const written = [...weights, ...optimizerState(this.inner)];
    const before = written.map(shareData);
    const iterations = optimizerIterations(this.inner);
    const count = iterations.get();
    const zeros: tf.NamedTensorMap = {};
    for (const v of weights) zeros[v.name] = tf.zerosLike(v);
    this.inner.applyGradients(zeros);
    written.forEach((v, i) => v.assign(before[i]!));
    iterations.set(count);
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

  /**
   * The inner step: a tf.train.adam on cpu or wasm takes the fused Adam kernel (masked by `skip` if given; one
   * pass per variable instead of tfjs' dozen kernels, bit-identical); any other optimizer runs itself (the
   * caller restores what it wrote where `skip` is set). Weights kept in 16 bits are then rounded back by the
   * writer: under round-to-nearest, an update smaller than half an ulp is lost.
   */
  private step(grads: tf.NamedTensorMap | NamedTensor[], names: string[], list: tf.Tensor[], skip?: tf.Scalar): void {
    const vars = this.writer ? variablesNamed(names) : [];
    this.writer?.before(vars);
    if (fusedAdamApplies(this.inner)) fusedAdamStep(this.inner, names, list, skip);
    else this.inner.applyGradients(grads);
    this.writer?.after(vars, skip);
  }

  override dispose(): void {
    this.writer?.dispose();
    this.lastFound?.dispose();
    this.pending?.found.dispose();
    tf.dispose([...this.zeros.values()]);
    this.zeros.clear();
    this.inner.dispose();
    super.dispose();
  }

  /**
   * The inner optimizer's state, with its step count ('iter') counting only the steps that went through: tfjs counts
   * a skipped step too (nothing is read back to know), and setWeights rebuilds Adam's bias corrections from that
   * count, so a checkpoint taken after skipped steps would otherwise restore them wrong.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights = await this.inner.getWeights();
    const skipped = (await this.scaler.readStats()).skipped - (await this.skippedBefore);
    if (skipped === 0) return weights;
    return Promise.all(
      weights.map(async (w) => {
        if (w.name !== 'iter') return w;
        const taken = (await w.tensor.data())[0]! - skipped;
        w.tensor.dispose(); // saveIterations made it for this call
        return { name: w.name, tensor: tf.scalar(taken, 'int32') };
      }),
    );
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await this.inner.setWeights(weightValues);
    this.skippedBefore = this.scaler.readStats().then((s) => s.skipped);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { inner: this.inner.getClassName(), scale: this.scaler.scale, variableFormat: this.variableFormat.name };
  }
}

/**
 * tf.variableGrads(f, varList) for the scaled loss S·f, with the backward pass seeded by dy = S instead of 1:
 * the same gradients as differentiating tf.mul(f(), S) (whose backward step makes dy = 1·S), without the
 * product's two kernels, and the loss comes back unscaled as f made it.
 */
function scaledGrads(
  f: () => tf.Scalar,
  scale: tf.Scalar,
  varList?: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const vars = (varList ?? Object.values(registeredVariables())).filter((v) => v.trainable);
  const { value, grads } = gradientsSeeded(f, vars, scale);
  const named: tf.NamedTensorMap = {};
  vars.forEach((v, i) => {
    if (grads[i]) named[v.name] = grads[i]!;
  });
  return { value, grads: named };
}

/** The registered variables of these names (a name with no variable is left out). */
function variablesNamed(names: readonly string[]): tf.Variable[] {
  const vars = registeredVariables();
  return names.map((n) => vars[n]).filter((v): v is tf.Variable => v !== undefined);
}

/** A bool scalar tensor: whether any tensor holds inf or NaN (nothing is read back). */
export function nonFiniteFlag(tensors: tf.Tensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(false, 'bool');
  if (tf.getKernel(KERNELS.nonFinite, tf.getBackend()) && tensors.every((t) => t.dtype === 'float32')) {
    const inputs = Object.fromEntries(tensors.map((t, i) => [`x${i}`, t]));
    return tf.engine().runKernel(KERNELS.nonFinite, inputs) as tf.Scalar;
  }
  return tf.tidy(() =>
    tf.logicalNot(tf.all(tf.stack(tensors.map((t) => reduceAll(tf.isFinite(t), 'all'))))),
  ) as tf.Scalar;
}

/** Whether x[from..] holds inf or NaN (x − x is NaN exactly there). */
function nonFiniteFrom(x: Float32Array, from = 0): boolean {
  for (let i = from; i < x.length; i++) if (x[i]! - x[i]! !== 0) return true;
  return false;
}

// nonFiniteFlag's kernel on cpu and wasm (float32 inputs): one pass over every input, in place, instead of
// ~3 kernels and a bool tensor per input. On wasm, amp.wat's all_finite checks four lanes a turn.
registerCpuWasmKernel<object>({
  name: KERNELS.nonFinite,
  outputs: () => [{ shape: [], dtype: 'bool' }],
  run: ({ names, values, setFlag, simd, lanes }) => {
    const found = names.some((name) => {
      const x = values(name);
      const n = lanes(x.length);
      return (n > 0 && simd!.allFinite(x.byteOffset, n) === 0) || nonFiniteFrom(x, n);
    });
    setFlag(0, found);
  },
});

/**
 * Whether any tensor holds inf or NaN: one awaited read for all of them (every backend).
 *
 *     await hasNonFinite(Object.values(grads))   // true after an overflow
 */
export async function hasNonFinite(tensors: tf.Tensor[]): Promise<boolean> {
  const flag = nonFiniteFlag(tensors);
  try {
    return (await flag.data())[0] === 1;
  } finally {
    flag.dispose();
  }
}

/** @deprecated hasNonFinite awaits its read. */
export const hasNonFiniteAsync = hasNonFinite;

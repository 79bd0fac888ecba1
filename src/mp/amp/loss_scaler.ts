/**
 * Loss scalers. Multiplying the loss by S multiplies every gradient by S (the chain rule is linear), which
 * lifts small float16 gradients out of the underflow range; the optimizer divides by S again before the
 * update. A step whose gradients hold inf or NaN is skipped.
 *
 * A scaler keeps its state on the host until a training step first updates it with a tensor flag
 * (updateOnDevice, as LossScaleOptimizer does); from then on the state lives in tensors, as in torch's GradScaler,
 * and reading it back costs a read, only when asked. On cpu and wasm, DynamicLossScaler's update is one kernel
 * (scaler_kernel.ts); elsewhere it runs in tensor ops. `readScale()`, `readStats()` and `release()` (which brings
 * the state back to the host) await the read, which every backend (WebGPU in Node included) supports; the
 * getters `scale` and `stats` cost nothing on the host, and read device state synchronously (cpu and wasm only).
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionKeys, OptionError } from '../errors';
import {
  onNumbers,
  lossScaleStep,
  tally,
  onTensors,
  type LossScaleRule,
  type ScaleChange,
  type ScaleState,
} from './scale_rule';
import { KERNELS } from '../ops/kernel_names';
import { SCALER_STATE, scalerKernelApplies } from './scaler_kernel';

export interface ScalerStats {
  /** Steps seen (update calls). */
  readonly steps: number;
  /** Steps skipped because a gradient was inf or NaN. PyTorch's GradScaler does not report these (pytorch#67590). */
  readonly skipped: number;
  /** Times the scale went down and up. */
  readonly backoffs: number;
  readonly growths: number;
}

export interface LossScaler {
  /** false for the disabled scaler: scale 1, and non-finite gradients are not checked, so nothing is skipped. */
  readonly enabled: boolean;
  /** The current scale S. Reads device state synchronously (cpu, wasm); on WebGPU use readScale(). */
  readonly scale: number;
  /** Reads device state synchronously (cpu, wasm); on WebGPU use readStats(). */
  readonly stats: ScalerStats;
  /** The scale, read back with an awaited read (works on every backend). */
  readScale(): Promise<number>;
  /** The stats, read back with one awaited read (works on every backend). */
  readStats(): Promise<ScalerStats>;
  /** Records one step: whether its gradients held inf/NaN (then the step is skipped). Adjusts the scale. */
  update(foundNonFinite: boolean): void;
  /** The scale as a float32 scalar tensor that the scaler owns (do not dispose it); valid until the next update. */
  scaleTensor(): tf.Scalar;
  /** update() from a bool scalar tensor, without reading it back: the rule runs in tensor ops. */
  updateOnDevice(foundNonFinite: tf.Scalar): void;
  /** Reads the state back to the host (awaited: every backend) and frees its tensors; a device update makes them again. */
  release(): Promise<void>;
  /**
   * What a checkpoint must keep, under torch's GradScaler.state_dict() names; {} for a scaler whose state never
   * changes (disabled, static), as torch's disabled GradScaler returns. Reads device state synchronously (cpu, wasm).
   */
  stateDict(): ScalerStateDict;
  /** Restores stateDict()'s entries (torch's load_state_dict); a no-op where stateDict() is {}. */
  loadStateDict(state: ScalerStateDict): void;
  /** @deprecated release() awaits its read. */
  releaseAsync(): Promise<void>;
}

/**
 * torch.amp.GradScaler.state_dict()'s five entries, under torch's names, so a checkpoint reads the same in both.
 * `_hysteresis_left` is this library's, for DeepSpeed's hysteresis (present only where it is above 1).
 */
export interface ScalerStateDict {
  readonly scale?: number;
  readonly growth_factor?: number;
  readonly backoff_factor?: number;
  readonly growth_interval?: number;
  /** Good steps in a row since the last change of the scale. */
  readonly _growth_tracker?: number;
  readonly _hysteresis_left?: number;
}

/** The counts a device update keeps in tensors. */
export interface DeviceCounts {
  readonly skipped: tf.Variable;
  readonly backoffs: tf.Variable;
  readonly growths: tf.Variable;
}

const keep = (t: tf.Tensor): tf.Variable => tf.variable(t, false);
const read = (t: tf.Tensor): number => t.dataSync()[0]!;

/** Scalars read back in one awaited read (no dataSync, so it works on WebGPU too). */
async function readAll(scalars: readonly tf.Tensor[]): Promise<number[]> {
  if (scalars.length === 0) return [];
  const packed = tf.tidy(() => tf.stack(scalars.map((t) => tf.cast(t, 'float32'))));
  try {
    return Array.from(await packed.data());
  } finally {
    packed.dispose();
  }
}

/** What the three scalers share: the step counts, and moving their state between the host and the device. */
export abstract class CountingScaler implements LossScaler {
  abstract readonly enabled: boolean;
  abstract readonly scale: number;
  protected counts = { steps: 0, skipped: 0, backoffs: 0, growths: 0 };
  /** The counts on the device (skipped, backoffs, growths), once a device update has run. */
  private deviceCounts?: DeviceCounts;

  /** Reads device counts with dataSync (cpu, wasm); on WebGPU use readStats(). */
  get stats(): ScalerStats {
    const d = this.deviceCounts;
    if (!d) return { ...this.counts };
    return { steps: this.counts.steps, skipped: read(d.skipped), backoffs: read(d.backoffs), growths: read(d.growths) };
  }

  async readStats(): Promise<ScalerStats> {
    const d = this.deviceCounts;
    if (!d) return { ...this.counts };
    const { steps } = this.counts;
    const [skipped, backoffs, growths] = await readAll([d.skipped, d.backoffs, d.growths]);
    return { steps, skipped: skipped!, backoffs: backoffs!, growths: growths! };
  }

  async readScale(): Promise<number> {
    const s = this.deviceScale();
    return s ? (await readAll([s]))[0]! : this.scale;
  }

  update(foundNonFinite: boolean): void {
    if (this.deviceCounts) {
      tf.tidy(() => this.updateOnDevice(tf.scalar(foundNonFinite, 'bool')));
      return;
    }
    const found = foundNonFinite && this.enabled;
    const change = this.adjust(found);
    const counts = tally(onNumbers, this.counts, { skipped: found, backoffs: change?.backoff, growths: change?.grow });
    this.counts = { steps: this.counts.steps + 1, ...counts };
  }

  updateOnDevice(foundNonFinite: tf.Scalar): void {
    if (!this.deviceCounts) {
      const c = this.counts;
      this.deviceCounts = tf.tidy(() => ({
        skipped: keep(tf.scalar(c.skipped)),
        backoffs: keep(tf.scalar(c.backoffs)),
        growths: keep(tf.scalar(c.growths)),
      }));
      this.stateToDevice();
    }
    this.counts.steps += 1;
    const d = this.deviceCounts;
    if (this.updateInOneKernel(foundNonFinite, d)) return;
    tf.tidy(() => {
      const found = this.enabled ? tf.cast(foundNonFinite, 'bool') : tf.scalar(false, 'bool');
      const change = this.adjustOnDevice(found);
      const next = tally(onTensors, d, { skipped: found, backoffs: change?.backoff, growths: change?.grow });
      for (const key of ['skipped', 'backoffs', 'growths'] as const) if (next[key] !== d[key]) d[key].assign(next[key]);
    });
  }

  async release(): Promise<void> {
    const d = this.deviceCounts;
    if (!d) return;
    const state = this.deviceState();
    const values = await readAll([d.skipped, d.backoffs, d.growths, ...state]);
    if (this.deviceCounts !== d) return; // released meanwhile
    const [skipped, backoffs, growths, ...rest] = values as [number, number, number, ...number[]];
    this.toHost({ steps: this.counts.steps, skipped, backoffs, growths }, rest);
  }

  /** @deprecated release() awaits its read. */
  releaseAsync(): Promise<void> {
    return this.release();
  }

  /** {} here: a disabled or static scaler has no state to save (DynamicLossScaler overrides it). */
  stateDict(): ScalerStateDict {
    return {};
  }

  /** A no-op here, as torch's disabled GradScaler's (DynamicLossScaler overrides it). */
  loadStateDict(state: ScalerStateDict): void {
    void state;
  }

  /** Takes the counts and the scaler's own state (deviceState()'s values) back to the host; frees the tensors. */
  private toHost(counts: CountingScaler['counts'], state: number[]): void {
    const d = this.deviceCounts!;
    this.counts = counts;
    this.stateToHost(state);
    tf.dispose([d.skipped, d.backoffs, d.growths]);
    this.deviceCounts = undefined;
  }

  abstract scaleTensor(): tf.Scalar;
  /** The rule on the host, after a step (found: it held inf/NaN and the scaler is enabled); none by default. */
  protected adjust(found: boolean): ScaleChange<boolean> | undefined {
    void found;
    return undefined;
  }
  /** Moves the scaler's own state (beyond the counts) to tensors, and back from deviceState()'s values. */
  protected stateToDevice(): void {}
  protected stateToHost(values: number[]): void {
    void values;
  }
  /** The scaler's own state tensors (beyond the counts); empty while on the host. */
  protected deviceState(): tf.Tensor[] {
    return [];
  }
  /** The scale tensor while the scale lives on the device. */
  protected deviceScale(): tf.Tensor | undefined {
    return undefined;
  }
  /** The whole device update (rule and counts) in one kernel, where the scaler has one here; false if not. */
  protected updateInOneKernel(found: tf.Scalar, counts: DeviceCounts): boolean {
    void [found, counts];
    return false;
  }
  /** The rule in tensor ops; `found` is a bool scalar. */
  protected adjustOnDevice(found: tf.Tensor): ScaleChange<tf.Tensor> | undefined {
    void found;
    return undefined;
  }
}

/** A constant scale tensor, created on first use. */
class ConstantScale {
  private tensor?: tf.Scalar;
  constructor(private readonly value: number) {}
  get(): tf.Scalar {
    if (!this.tensor || this.tensor.isDisposed) this.tensor = tf.keep(tf.scalar(this.value));
    return this.tensor;
  }
}

/** A fixed scale: skips steps with non-finite gradients but never changes S. */
export class StaticLossScaler extends CountingScaler {
  readonly enabled = true;

  private readonly constant: ConstantScale;

  constructor(readonly scale: number) {
    super();
    checkPositive('scale', scale);
    this.constant = new ConstantScale(scale);
  }

  scaleTensor(): tf.Scalar {
    return this.constant.get();
  }
}

/** No scaling at all (scale 1, nothing checked, nothing skipped), with the same interface: one training path. */
export class DisabledLossScaler extends CountingScaler {
  readonly enabled = false;
  readonly scale = 1;
  private readonly constant = new ConstantScale(1);

  scaleTensor(): tf.Scalar {
    return this.constant.get();
  }
}

export interface DynamicLossScalerOptions extends Partial<LossScaleRule> {
  /** Starting scale. torch: 2^16. */
  readonly initScale?: number;
}

/**
 * The dynamic rule of torch.amp.GradScaler (scale_rule.ts, lossScaleStep):
 *   - a step with inf/NaN gradients is skipped, S ← S·backoffFactor, and the good-step count resets;
 *   - otherwise the count grows, and after growthInterval good steps in a row S ← S·growthFactor.
 * So S settles just below the largest scale that does not overflow. By hand: S = 400 after 4 overflows
 * with backoff ½ is 25. The scale is a float32, as torch's is.
 */
export class DynamicLossScaler extends CountingScaler {
  readonly enabled = true;
  private rule: Required<DynamicLossScalerOptions>;
  /** The rule's state while it lives on the host: float32 values, as on the device. */
  private host: ScaleState<number>;
  /** The scale, good-step count and hysteresis left, on the device once a device update has run. */
  private device?: { scale: tf.Variable; goodSteps: tf.Variable; hysteresisLeft: tf.Variable };

  constructor(options: DynamicLossScalerOptions = {}) {
    checkOptionKeys('DynamicLossScaler', options, [
      'initScale',
      'growthFactor',
      'backoffFactor',
      'growthInterval',
      'minScale',
      'maxScale',
      'hysteresis',
    ]);
    super();
    const o = { ...LOSS_SCALE_PRESETS.torch, minScale: 0, maxScale: Infinity, hysteresis: 1, ...options };
    checkPositive('initScale', o.initScale);
    checkRule(o);
    this.rule = o;
    this.host = { scale: Math.fround(o.initScale), goodSteps: 0, hysteresisLeft: o.hysteresis };
  }

  /** The rule's parameters: the constructor's, or the last loadStateDict's factors and interval. */
  get options(): Required<DynamicLossScalerOptions> {
    return this.rule;
  }

  /**
   * torch's GradScaler.state_dict(): scale, growth_factor, backoff_factor, growth_interval, _growth_tracker.
   *
   *     const saved = scaler.stateDict();   // { scale: 32768, growth_factor: 2, …, _growth_tracker: 17 }
   *     fresh.loadStateDict(saved);          // continues exactly where scaler was
   */
  override stateDict(): ScalerStateDict {
    const d = this.device;
    const [scale, goodSteps, hysteresisLeft] = d
      ? [read(d.scale), read(d.goodSteps), read(d.hysteresisLeft)]
      : [this.host.scale, this.host.goodSteps, this.host.hysteresisLeft];
    const { growthFactor, backoffFactor, growthInterval, hysteresis } = this.rule;
    return {
      scale,
      growth_factor: growthFactor,
      backoff_factor: backoffFactor,
      growth_interval: growthInterval,
      _growth_tracker: goodSteps,
      ...(hysteresis > 1 ? { _hysteresis_left: hysteresisLeft } : {}),
    };
  }

  /**
   * torch's GradScaler.load_state_dict(): the scale, the good-step count and the rule's factors and interval
   * (minScale, maxScale and hysteresis stay the constructor's). Throws OptionError for an empty or malformed
   * state, naming the entry.
   */
  override loadStateDict(state: ScalerStateDict): void {
    const keys = ['scale', 'growth_factor', 'backoff_factor', 'growth_interval', '_growth_tracker'] as const;
    checkOptionKeys('loadStateDict', state, [...keys, '_hysteresis_left']);
    if (Object.keys(state).length === 0) {
      throw new OptionError(
        'The state dict is empty: it was saved from a scaler without state (a disabled one?).',
        'state',
        state,
      );
    }
    for (const key of keys) {
      if (typeof state[key] !== 'number') {
        throw new OptionError(`The state dict has no number ${key}. Received: ${String(state[key])}`, key, state[key]);
      }
    }
    const { scale, growth_factor, backoff_factor, growth_interval, _growth_tracker } =
      state as Required<ScalerStateDict>;
    const rule = {
      ...this.rule,
      growthFactor: growth_factor,
      backoffFactor: backoff_factor,
      growthInterval: growth_interval,
    };
    checkRule(rule);
    checkPositive('scale', scale);
    if (!Number.isInteger(_growth_tracker) || _growth_tracker < 0) {
      throw new OptionError(
        `_growth_tracker must be an integer ≥ 0. Received: ${_growth_tracker}`,
        '_growth_tracker',
        _growth_tracker,
      );
    }
    this.rule = rule;
    const next = {
      scale: Math.fround(scale),
      goodSteps: _growth_tracker,
      hysteresisLeft: state._hysteresis_left ?? rule.hysteresis,
    };
    const d = this.device;
    if (!d) {
      this.host = next;
      return;
    }
    tf.tidy(() => {
      d.scale.assign(tf.scalar(next.scale));
      d.goodSteps.assign(tf.scalar(next.goodSteps));
      d.hysteresisLeft.assign(tf.scalar(next.hysteresisLeft));
    });
  }

  /** Reads a device scale with dataSync (cpu, wasm); on WebGPU use readScale(). */
  get scale(): number {
    return this.device ? read(this.device.scale) : this.host.scale;
  }

  scaleTensor(): tf.Scalar {
    if (!this.device) this.stateToDevice();
    return this.device!.scale as tf.Scalar;
  }

  protected override stateToDevice(): void {
    if (this.device) return;
    const { scale, goodSteps, hysteresisLeft } = this.host;
    this.device = tf.tidy(() => ({
      scale: keep(tf.scalar(scale)),
      goodSteps: keep(tf.scalar(goodSteps)),
      hysteresisLeft: keep(tf.scalar(hysteresisLeft)),
    }));
  }

  protected override deviceState(): tf.Tensor[] {
    const d = this.device;
    return d ? [d.scale, d.goodSteps, d.hysteresisLeft] : [];
  }

  protected override deviceScale(): tf.Tensor | undefined {
    return this.device?.scale;
  }

  protected override stateToHost([scale, goodSteps, hysteresisLeft]: number[]): void {
    const d = this.device;
    if (!d) return;
    this.host = { scale: scale!, goodSteps: goodSteps!, hysteresisLeft: hysteresisLeft! };
    tf.dispose([d.scale, d.goodSteps, d.hysteresisLeft]);
    this.device = undefined;
  }

  /** On cpu and wasm, the rule and the counts in one kernel (scaler_kernel.ts). */
  protected override updateInOneKernel(found: tf.Scalar, counts: DeviceCounts): boolean {
    if (!scalerKernelApplies()) return false;
    const d = this.device!;
    const state = { scale: d.scale, goodSteps: d.goodSteps, hysteresisLeft: d.hysteresisLeft, ...counts };
    const rule = this.options as LossScaleRule;
    const out = tf.engine().runKernel(KERNELS.scalerUpdate, { found, ...state }, rule as unknown as tf.NamedAttrMap);
    SCALER_STATE.forEach((name, i) => {
      state[name].assign((out as tf.Tensor[])[i]!);
      (out as tf.Tensor[])[i]!.dispose();
    });
    return true;
  }

  protected override adjustOnDevice(found: tf.Tensor): ScaleChange<tf.Tensor> {
    const d = this.device!;
    const next = lossScaleStep(onTensors, d, found, this.options);
    d.scale.assign(next.scale);
    d.goodSteps.assign(next.goodSteps);
    d.hysteresisLeft.assign(next.hysteresisLeft);
    return next;
  }

  protected override adjust(found: boolean): ScaleChange<boolean> {
    const next = lossScaleStep(onNumbers, this.host, found, this.options);
    this.host = { scale: next.scale, goodSteps: next.goodSteps, hysteresisLeft: next.hysteresisLeft };
    return next;
  }
}

/**
 * Each framework's defaults, for DynamicLossScaler.
 *
 *     new DynamicLossScaler(LOSS_SCALE_PRESETS.keras3)
 */
export const LOSS_SCALE_PRESETS = withKerasAlias({
  /** torch.amp.GradScaler */
  torch: { initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000 },
  /** Keras 3's keras.optimizers.LossScaleOptimizer: doubles after 2000 good steps, halves on overflow, no floor */
  keras3: { initScale: 2 ** 15, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000 },
  /** tf_keras (TensorFlow's Keras 2) mixed_precision.LossScaleOptimizer: Keras 3's rule, the scale floored at 1 */
  tf_keras: { initScale: 2 ** 15, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000, minScale: 1 },
  /** DeepSpeed fp16 defaults: initial_scale_power 16, loss_scale_window 1000, hysteresis 2, min_loss_scale 1 */
  deepspeed: {
    initScale: 2 ** 16,
    growthFactor: 2,
    backoffFactor: 0.5,
    growthInterval: 1000,
    minScale: 1,
    hysteresis: 2,
  },
} as const satisfies Record<string, DynamicLossScalerOptions>);

/** The presets' names (the deprecated alias aside). */
export type LossScalePreset = Exclude<keyof typeof LOSS_SCALE_PRESETS, 'keras'>;

/** The presets and `keras`, the old name of tf_keras, not enumerable: a table of the presets lists each once. */
function withKerasAlias<T extends { readonly tf_keras: DynamicLossScalerOptions }>(
  presets: T,
): T & {
  /** @deprecated Keras 2's rule (floored at 1), which Keras 3 no longer has: use tf_keras (the same) or keras3. */
  readonly keras: T['tf_keras'];
} {
  return Object.defineProperty({ ...presets }, 'keras', { value: presets.tf_keras, enumerable: false }) as T & {
    readonly keras: T['tf_keras'];
  };
}

/** The rule's factors and counts, as the constructor and loadStateDict take them. */
function checkRule(o: Required<DynamicLossScalerOptions>): void {
  if (!(o.growthFactor > 1))
    throw new OptionError(`growthFactor must be > 1. Received: ${o.growthFactor}`, 'growthFactor', o.growthFactor);
  if (!(o.backoffFactor > 0 && o.backoffFactor < 1)) {
    throw new OptionError(
      `backoffFactor must be in (0, 1). Received: ${o.backoffFactor}`,
      'backoffFactor',
      o.backoffFactor,
    );
  }
  for (const key of ['growthInterval', 'hysteresis'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw new OptionError(`${key} must be an integer ≥ 1. Received: ${o[key]}`, key, o[key]);
    }
  }
}

function checkPositive(name: string, value: number): void {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new OptionError(`${name} must be a finite number > 0. Received: ${value}`, name, value);
  }
}

/**
 * Loss scalers. Multiplying the loss by S multiplies every gradient by S (the chain rule is linear), which
 * lifts small float16 gradients out of the underflow range; the optimizer divides by S again before the
 * update. A step whose gradients hold inf or NaN is skipped.
 */
import { OptionError } from '../errors';

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
  /** The current scale S. */
  readonly scale: number;
  readonly stats: ScalerStats;
  /** Records one step: whether its gradients held inf/NaN (then the step is skipped). Adjusts the scale. */
  update(foundNonFinite: boolean): void;
}

abstract class CountingScaler implements LossScaler {
  abstract readonly enabled: boolean;
  abstract readonly scale: number;
  protected counts = { steps: 0, skipped: 0, backoffs: 0, growths: 0 };

  get stats(): ScalerStats {
    return { ...this.counts };
  }

  update(foundNonFinite: boolean): void {
    this.counts.steps += 1;
    if (foundNonFinite && this.enabled) this.counts.skipped += 1;
    this.adjust(foundNonFinite);
  }

  protected abstract adjust(foundNonFinite: boolean): void;
}

/** A fixed scale: skips steps with non-finite gradients but never changes S. */
export class StaticLossScaler extends CountingScaler {
  readonly enabled = true;

  constructor(readonly scale: number) {
    super();
    checkPositive('scale', scale);
  }

  protected adjust(): void {}
}

/** No scaling at all (scale 1, nothing checked, nothing skipped), with the same interface: one training path. */
export class DisabledLossScaler extends CountingScaler {
  readonly enabled = false;
  readonly scale = 1;

  protected adjust(): void {}
}

export interface DynamicLossScalerOptions {
  /** Starting scale. torch: 2^16. */
  readonly initScale?: number;
  /** Multiplier after growthInterval good steps in a row. */
  readonly growthFactor?: number;
  /** Multiplier after a step with inf/NaN gradients. */
  readonly backoffFactor?: number;
  /** Good steps in a row before the scale grows. */
  readonly growthInterval?: number;
  /** The scale never goes below this (DeepSpeed, TF/Keras 2: 1). torch: no floor. */
  readonly minScale?: number;
  /** The scale never goes above this. */
  readonly maxScale?: number;
  /**
   * DeepSpeed's hysteresis: how many overflows it takes to back off (each still skips its step); the count
   * resets when the scale grows. 1 (torch, Keras) backs off at every overflow.
   */
  readonly hysteresis?: number;
}

/**
 * The dynamic rule of torch.amp.GradScaler:
 *   - a step with inf/NaN gradients is skipped, S ← S·backoffFactor, and the good-step count resets;
 *   - otherwise the count grows, and after growthInterval good steps in a row S ← S·growthFactor.
 * So S settles just below the largest scale that does not overflow. By hand: S = 400 after 4 overflows
 * with backoff ½ is 25.
 */
export class DynamicLossScaler extends CountingScaler {
  readonly enabled = true;
  readonly options: Required<DynamicLossScalerOptions>;
  private current: number;
  private goodSteps = 0;
  private hysteresisLeft: number;

  constructor(options: DynamicLossScalerOptions = {}) {
    super();
    const known = [
      'initScale',
      'growthFactor',
      'backoffFactor',
      'growthInterval',
      'minScale',
      'maxScale',
      'hysteresis',
    ];
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) {
        throw new OptionError(`Unknown option ${key}. Valid options: ${known.join(', ')}.`, key, options, known);
      }
    }
    const o = { ...LOSS_SCALE_PRESETS.torch, minScale: 0, maxScale: Infinity, hysteresis: 1, ...options };
    checkPositive('initScale', o.initScale);
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
    this.options = o;
    this.current = o.initScale;
    this.hysteresisLeft = o.hysteresis;
  }

  get scale(): number {
    return this.current;
  }

  protected adjust(foundNonFinite: boolean): void {
    const o = this.options;
    if (foundNonFinite) {
      this.goodSteps = 0;
      if (this.hysteresisLeft > 1) {
        this.hysteresisLeft -= 1;
        return;
      }
      this.current = Math.max(this.current * o.backoffFactor, o.minScale);
      this.counts.backoffs += 1;
      return;
    }
    this.goodSteps += 1;
    if (this.goodSteps === o.growthInterval) {
      this.goodSteps = 0;
      this.hysteresisLeft = o.hysteresis;
      this.current = Math.min(this.current * o.growthFactor, o.maxScale);
      this.counts.growths += 1;
    }
  }
}

/** Each framework's defaults. */
export const LOSS_SCALE_PRESETS = {
  /** torch.amp.GradScaler */
  torch: { initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000 },
  /** keras.mixed_precision.LossScaleOptimizer (TF/Keras 2 also floors the scale at 1) */
  keras: { initScale: 2 ** 15, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000, minScale: 1 },
  /** DeepSpeed fp16 defaults: initial_scale_power 16, loss_scale_window 1000, hysteresis 2, min_loss_scale 1 */
  deepspeed: {
    initScale: 2 ** 16,
    growthFactor: 2,
    backoffFactor: 0.5,
    growthInterval: 1000,
    minScale: 1,
    hysteresis: 2,
  },
} as const satisfies Record<string, DynamicLossScalerOptions>;

export type LossScalePreset = keyof typeof LOSS_SCALE_PRESETS;

function checkPositive(name: string, value: number): void {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new OptionError(`${name} must be a finite number > 0. Received: ${value}`, name, value);
  }
}

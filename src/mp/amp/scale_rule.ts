/**
 * The dynamic loss-scale rule, once: its parameters as data and one step as one function, as torch keeps one
 * `_amp_update_scale_` op that each device implements. The step is written over a small arithmetic; the host
 * scaler and the fused cpu/wasm kernel run it on float32 numbers (onNumbers), the device path on scalar tensors
 * (onTensors), so every backend computes the same float32 values, as torch's float32 scale tensor holds them.
 *
 *     const rule = new DynamicLossScaler().options;   // torch's: ×2 after 2000 good steps, ×½ on overflow
 *     lossScaleStep(onNumbers, { scale: 400, goodSteps: 0, hysteresisLeft: 1 }, true, rule).scale   // 200
 */
import * as tf from '@tensorflow/tfjs';

export interface LossScaleRule {
  /** Multiplier after growthInterval good steps in a row. */
  readonly growthFactor: number;
  /** Multiplier after a step with inf/NaN gradients. */
  readonly backoffFactor: number;
  /** Good steps in a row before the scale grows. */
  readonly growthInterval: number;
  /** The scale never goes below this (DeepSpeed, tf_keras: 1). torch and Keras 3: no floor. */
  readonly minScale: number;
  /** The scale never goes above this. */
  readonly maxScale: number;
  /**
   * DeepSpeed's hysteresis: how many overflows it takes to back off (each still skips its step); the count
   * resets when the scale grows. 1 (torch, Keras) backs off at every overflow.
   */
  readonly hysteresis: number;
}

/** What the rule updates: the scale, the good steps in a row, and the overflows the hysteresis still absorbs. */
export interface ScaleState<N> {
  readonly scale: N;
  readonly goodSteps: N;
  readonly hysteresisLeft: N;
}

/** Whether the scale went down or up on a step: booleans on the host, bool scalars on the device. */
export interface ScaleChange<B> {
  readonly backoff: B;
  readonly grow: B;
}

/** The next state, and whether the scale went down or up on this step. */
export interface ScaleUpdate<N, B> extends ScaleState<N>, ScaleChange<B> {}

/** The operations the rule uses, on numbers N and flags B. */
export interface Arithmetic<N, B> {
  greater(a: N, k: number): B;
  equal(a: N, k: number): B;
  and(a: B, b: B): B;
  not(a: B): B;
  add(a: N, k: number): N;
  mul(a: N, k: number): N;
  max(a: N, k: number): N;
  min(a: N, k: number): N;
  select(c: B, a: N | number, b: N | number): N;
}

/**
 * One step of torch.amp.GradScaler's rule, with a floor, a ceiling and DeepSpeed's hysteresis:
 *   - a step with inf/NaN gradients resets the good-step count; unless the hysteresis absorbs it, S ← max(S·backoffFactor, minScale);
 *   - otherwise the count grows, and after growthInterval good steps in a row S ← min(S·growthFactor, maxScale),
 *     the count restarts and the hysteresis is full again.
 */
export function lossScaleStep<N, B>(
  m: Arithmetic<N, B>,
  s: ScaleState<N>,
  found: B,
  r: LossScaleRule,
): ScaleUpdate<N, B> {
  const held = m.and(found, m.greater(s.hysteresisLeft, 1)); // an overflow the hysteresis absorbs
  const backoff = m.and(found, m.not(held));
  const good = m.select(found, 0, m.add(s.goodSteps, 1));
  const grow = m.equal(good, r.growthInterval);
  const grown = m.select(grow, m.min(m.mul(s.scale, r.growthFactor), r.maxScale), s.scale);
  return {
    scale: m.select(backoff, m.max(m.mul(s.scale, r.backoffFactor), r.minScale), grown),
    goodSteps: m.select(grow, 0, good),
    hysteresisLeft: m.select(grow, r.hysteresis, m.select(held, m.add(s.hysteresisLeft, -1), s.hysteresisLeft)),
    backoff,
    grow,
  };
}

/** A scaler's counts: steps skipped, backoffs and growths. */
export interface ScaleCounts<N> {
  readonly skipped: N;
  readonly backoffs: N;
  readonly growths: N;
}

/** The counts after a step: each grows by one where its flag is set (a scaler without the rule has no backoffs). */
export function tally<N, B>(m: Arithmetic<N, B>, c: ScaleCounts<N>, flags: Partial<ScaleCounts<B>>): ScaleCounts<N> {
  const count = (n: N, flag: B | undefined): N => (flag === undefined ? n : m.select(flag, m.add(n, 1), n));
  return {
    skipped: count(c.skipped, flags.skipped),
    backoffs: count(c.backoffs, flags.backoffs),
    growths: count(c.growths, flags.growths),
  };
}

const f = Math.fround;

/** The rule on float32 numbers: every result rounded to float32, as a float32 tensor would hold it. */
export const onNumbers: Arithmetic<number, boolean> = {
  greater: (a, k) => a > f(k),
  equal: (a, k) => a === f(k),
  and: (a, b) => a && b,
  not: (a) => !a,
  add: (a, k) => f(a + f(k)),
  mul: (a, k) => f(a * f(k)),
  max: (a, k) => Math.max(a, f(k)),
  min: (a, k) => Math.min(a, f(k)),
  select: (c, a, b) => f(c ? a : b),
};

const tensor = (a: tf.Tensor | number): tf.Tensor => (typeof a === 'number' ? tf.scalar(a) : a);

/** The rule on float32 scalar tensors and bool flags: nothing is read back. */
export const onTensors: Arithmetic<tf.Tensor, tf.Tensor> = {
  greater: (a, k) => tf.greater(a, k),
  equal: (a, k) => tf.equal(a, k),
  and: (a, b) => tf.logicalAnd(a, b),
  not: (a) => tf.logicalNot(a),
  add: (a, k) => tf.add(a, k),
  mul: (a, k) => tf.mul(a, k),
  max: (a, k) => tf.maximum(a, k),
  min: (a, k) => tf.minimum(a, k),
  select: (c, a, b) => tf.where(c, tensor(a), tensor(b)),
};

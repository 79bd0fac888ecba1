/**
 * Optimizer arithmetic in a low-precision format, one weight at a time: what an Adam step computes when its
 * every operation runs in float16, what an optimizer state stored in 16 bits keeps of its moving average, and
 * how many updates a weight stored in 16 bits loses entirely. Scalars through roundValue, so each result is the
 * format's own correctly rounded operation (see numerics/summation.ts for why float32 then the format is exact).
 *
 *     adamStepsInFormat([1e-4], { format: 'float16', epsilon: 1e-8 })   // [Infinity]: v and ε both round to 0
 */
import { checkOptionKeys, OptionError } from '../../mp/errors';
import { getFloatFormat, type FormatLike } from '../../mp/formats/registry';
import { roundArray, roundValue } from '../../mp/formats/round';
import type { Rounding } from '../../mp/formats/round_options';

export interface AdamInFormatOptions {
  /** The format every operation (and every constant) is rounded to. */
  readonly format: FormatLike;
  /** Default 1e-8 (torch's). */
  readonly epsilon?: number;
  readonly beta1?: number;
  readonly beta2?: number;
}

/**
 * Adam's steps for one weight from zero moments, given its gradients g₁…g_T, with every operation rounded to
 * `format` in the order tfjs computes them (fused_adam.ts):
 *     m ← m·β1 + g·(1−β1);  v ← v·β2 + g²·(1−β2);  step = (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
 * Returns each step in units of the learning rate (the weight moves by −lr·step). In exact arithmetic the
 * first step is g/(|g| + ε) ≈ ±1.
 *
 *     adamStepsInFormat([1e-3], { format: 'float32', epsilon: 1e-7 })   // [0.9999…]
 */
export function adamStepsInFormat(gradients: readonly number[], options: AdamInFormatOptions): number[] {
  checkOptionKeys('adamStepsInFormat', options, ['format', 'epsilon', 'beta1', 'beta2']);
  const f = getFloatFormat(options.format);
  const q = (x: number): number => roundValue(x, f);
  const [b1, b2, eps] = [options.beta1 ?? 0.9, options.beta2 ?? 0.999, options.epsilon ?? 1e-8];
  const [c1, c2] = [q(1 - b1), q(1 - b2)];
  let [m, v, p1, p2] = [0, 0, 1, 1];
  return gradients.map((raw) => {
    const g = q(raw);
    [p1, p2] = [q(p1 * q(b1)), q(p2 * q(b2))];
    m = q(q(m * q(b1)) + q(g * c1));
    v = q(q(v * q(b2)) + q(q(g * g) * c2));
    const denominator = q(q(Math.sqrt(q(v / q(1 - p2)))) + q(eps));
    return q(q(m / q(1 - p1)) / denominator);
  });
}

export interface EmaInFormatOptions {
  /** The decay β of y ← β·y + (1−β)·x. */
  readonly beta: number;
  /** The format y is stored in after each step. */
  readonly format: FormatLike;
  /** How y is rounded when stored: `nearest-even` (default) or `stochastic`. */
  readonly rounding?: Rounding;
  /** Seeds stochastic rounding (step i uses `${seed}:${i}`). Default 0. */
  readonly seed?: number;
}

/**
 * An exponential moving average y ← β·y + (1−β)·x of `samples` from y = 0, computed in float32 and stored in
 * `format` after every step: an optimizer state (Adam's v with β = 0.999) kept in 16 bits. Returns y after each
 * step. Under round-to-nearest, a change smaller than half an ulp of y is lost at every step.
 *
 *     emaInFormat(Array(3000).fill(1), { beta: 0.999, format: 'bfloat16' })   // stops short of 1
 */
export function emaInFormat(samples: readonly number[], options: EmaInFormatOptions): number[] {
  checkOptionKeys('emaInFormat', options, ['beta', 'format', 'rounding', 'seed']);
  const { beta, format, rounding = 'nearest-even', seed = 0 } = options;
  if (!(beta >= 0 && beta < 1)) throw new OptionError(`beta must be in [0, 1). Received: beta=${beta}`, 'beta', beta);
  const f = Math.fround;
  const [b, c] = [f(beta), f(1 - beta)];
  let y = 0;
  return samples.map((x, i) => {
    y = roundValue(f(f(y * b) + f(f(x) * c)), format, { rounding, seed: `${seed}:${i}` });
    return y;
  });
}

/**
 * The fraction of non-zero updates that are lost entirely when each weight w + Δ is stored in `format` (round
 * to nearest, ties to even): round(w + Δ) = w. The weights are rounded to the format first, as they are stored.
 *
 *     lostUpdateFraction([1, 1], [1e-3, 1e-2], 'bfloat16')   // 0.5: 1e-3 is below half an ulp of 1 (2^-8)
 */
export function lostUpdateFraction(weights: ArrayLike<number>, updates: ArrayLike<number>, format: FormatLike): number {
  if (weights.length !== updates.length) {
    throw new OptionError(
      `weights and updates must have the same length. Received: ${weights.length} and ${updates.length}`,
      'updates',
      updates.length,
    );
  }
  const w = roundArray(Float32Array.from(weights), format);
  const moved = roundArray(
    w.map((x, i) => x + updates[i]!),
    format,
  );
  let lost = 0;
  let nonZero = 0;
  for (let i = 0; i < w.length; i++) {
    if (updates[i] === 0) continue;
    nonZero++;
    if (moved[i] === w[i]) lost++;
  }
  return nonZero === 0 ? 0 : lost / nonZero;
}

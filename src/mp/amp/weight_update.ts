/**
 * How an optimizer's new weights are stored in a low-precision variable format (pure bfloat16 or float16
 * training, with no float32 master copy). The optimizer computes w + Δw in float32; storing it rounds, and an
 * update below half an ulp of the weight is lost under round-to-nearest, every step, the same way: swamping.
 * Two fixes that keep the weights in 16 bits (Zamirai et al. 2020, "Revisiting BFloat16 Training"):
 *
 * - `stochastic`: round up with probability (x − down)/(up − down), so the stored weight is right in
 *   expectation (Gupta et al. 2015); torchao's `bf16_stochastic_round` does this at the same place.
 * - `kahan`: Kahan's compensated summation, with a compensation buffer c in the same format:
 *       y = q(Δw − c),  t = q(w + y),  c = q(q(t − w) − y),  w = t
 *   where q rounds to the format. c holds what the last rounding dropped, and the next step adds it back.
 *
 * Each operation runs in float32 and is then rounded to the format: for a sum or difference of two values of a
 * format with p significand bits, that double rounding is the correctly rounded result while 24 ≥ 2p + 2
 * (bfloat16 p = 8, float16 p = 11), so this is the format's own arithmetic.
 *
 *     const writer = new WeightWriter('bfloat16', 'kahan');
 *     writer.before(vars);  inner.applyGradients(grads);  writer.after(vars);
 */
import * as tf from '@tensorflow/tfjs';
import { checkChoice, OptionError } from '../errors';
import { getFloatFormat, type FormatLike } from '../formats/registry';
import type { FloatFormat } from '../formats/spec';
import { fakeCast } from '../ops/quantize';

/** `nearest` (round to nearest even: what a plain cast does), `stochastic`, or `kahan`: see weight_update.ts. */
export type WeightUpdate = 'nearest' | 'stochastic' | 'kahan';
/** The rules, for validation (the library's index exports the type only). */
export const WEIGHT_UPDATES: readonly WeightUpdate[] = ['nearest', 'stochastic', 'kahan'];

/**
 * Writes updated weights back in a variable format by one of the rules above. `before` keeps the weights as
 * they were (Kahan needs w and Δw apart); `after` rounds each variable's new value. A skip flag (the step's
 * found-inf) leaves weights and compensation as they were.
 */
export class WeightWriter {
  readonly format: FloatFormat;
  readonly rule: WeightUpdate;
  private readonly seed: string;
  private steps = 0;
  /** Kahan's compensation per variable name. */
  private readonly compensation = new Map<string, tf.Tensor>();
  /** The weights before the step, for Kahan. */
  private readonly previous = new Map<string, tf.Tensor>();

  constructor(format: FormatLike, rule: WeightUpdate = 'nearest', seed: number | string = 0) {
    this.format = getFloatFormat(format);
    this.rule = checkChoice('weightUpdate', rule, WEIGHT_UPDATES);
    if (typeof seed !== 'number' && typeof seed !== 'string') {
      throw new OptionError(`seed must be a number or a string. Received: ${String(seed)}`, 'seed', seed);
    }
    this.seed = String(seed);
  }

  /** Keeps the weights as they are before the optimizer's step (only Kahan needs them). */
  before(vars: readonly tf.Variable[]): void {
    if (this.rule !== 'kahan') return;
    for (const v of vars) {
      this.previous.get(v.name)?.dispose();
      this.previous.set(v.name, tf.keep(v.clone()));
    }
  }

  /** Rounds each variable's new float32 value to the format by the rule; where `skip` is set, nothing changes. */
  after(vars: readonly tf.Variable[], skip?: tf.Scalar): void {
    this.steps++;
    vars.forEach((v, i) => {
      tf.tidy(() => {
        if (this.rule === 'kahan') return this.kahan(v, skip);
        const rounding = this.rule === 'stochastic' ? 'stochastic' : 'nearest-even';
        // one seed per step and variable: the same run repeats exactly, and no two roundings share a stream
        v.assign(fakeCast(v, this.format, { rounding, seed: `${this.seed}:${this.steps}:${i}` }));
      });
    });
  }

  private kahan(v: tf.Variable, skip?: tf.Scalar): void {
    const q = (x: tf.Tensor): tf.Tensor => fakeCast(x, this.format);
    const w = this.previous.get(v.name);
    if (!w)
      throw new OptionError(
        `WeightWriter.after(${v.name}) without before(): Kahan needs the old weights.`,
        'vars',
        v.name,
      );
    const c = this.compensation.get(v.name) ?? tf.zerosLike(v);
    const y = q(tf.sub(tf.sub(v, w), c));
    const t = q(tf.add(w, y));
    let next = q(tf.sub(q(tf.sub(t, w)), y));
    let weight = t;
    if (skip) {
      const s = tf.cast(skip, 'bool');
      [next, weight] = [tf.where(s, c, next), tf.where(s, w, t)];
    }
    v.assign(weight);
    this.compensation.get(v.name)?.dispose();
    this.compensation.set(v.name, tf.keep(next));
  }

  /** The Kahan compensation held for a variable (zeros before its first step), or undefined for other rules. */
  compensationOf(name: string): tf.Tensor | undefined {
    return this.compensation.get(name);
  }

  dispose(): void {
    tf.dispose([...this.compensation.values(), ...this.previous.values()]);
    this.compensation.clear();
    this.previous.clear();
  }
}

/**
 * A fused, optionally masked Adam step: one pass per variable computes the new moments and weights, and leaves
 * all three unchanged where the step's skip flag is set. It replaces, for tf.train.adam under
 * LossScaleOptimizer, tfjs' ~12 elementwise kernels per variable (and a masked step's tf.where restores).
 * Each element follows tfjs' AdamOptimizer op by op in float32, so the weights and moments are
 * bit-identical to tf.train.adam's:
 *     m' = m·β1 + g·(1−β1)              v' = v·β2 + g²·(1−β2)
 *     w' = (m'/(1−β1ᵗ)) / (√(v'/(1−β2ᵗ)) + ε) · (−lr) + w
 * On wasm it runs in place on the heap in WebAssembly SIMD (formats/simd/amp.wat: f32x4 division and square
 * root are correctly rounded, as tfjs' kernels are); on cpu, and for the last n mod 4 elements, in JavaScript
 * with every result rounded by Math.fround (exact: float64 has over twice float32's precision, so a float64
 * sum, product, quotient or root of float32 values, rounded to float32, is the correctly rounded float32
 * result). Elsewhere LossScaleOptimizer runs the inner optimizer and masks with tf.where.
 */
import * as tf from '@tensorflow/tfjs';
import { registerCpuWasmKernel, registerScalarKernel, type KernelCall } from '../ops/cpu_wasm';
import { KERNELS } from '../ops/kernel_names';
import { adamInternals, registeredVariables, type AdamInternals } from '../tfjs_internals';

interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

const f = Math.fround;

/** The step's float32 scalars, in the order amp.wat's adam takes them. */
type Scalars = [
  b1: number,
  b2: number,
  c1: number,
  c2: number,
  bias1: number,
  bias2: number,
  eps: number,
  step: number,
];

/**
 * The scalars as tfjs makes them, from JS numbers (1 − β computed in float64 first): [β1, β2, 1−β1, 1−β2,
 * 1−β1ᵗ, 1−β2ᵗ, ε, −lr]. accBeta1/2 are β1ᵗ and β2ᵗ as held before the step.
 */
function scalars(accBeta1: number, accBeta2: number, { beta1, beta2, epsilon, learningRate }: AdamAttrs): Scalars {
  return [beta1, beta2, 1 - beta1, 1 - beta2, 1 - accBeta1, 1 - accBeta2, epsilon, -learningRate].map(f) as Scalars;
}

/** One Adam step on elements from..length−1 of flat float32 arrays (outputs may not alias inputs). */
function adamInto([w, m, v, g]: Float32Array[], [wOut, mOut, vOut]: Float32Array[], k: Scalars, from = 0): void {
  const [b1, b2, c1, c2, bias1, bias2, eps, step] = k;
  for (let i = from; i < w!.length; i++) {
    const gi = g![i]!;
    const m1 = f(f(m![i]! * b1) + f(gi * c1));
    const v1 = f(f(v![i]! * b2) + f(f(gi * gi) * c2));
    mOut![i] = m1;
    vOut![i] = v1;
    const denominator = f(f(Math.sqrt(f(v1 / bias2))) + eps);
    wOut![i] = f(f(f(f(m1 / bias1) / denominator) * step) + w![i]!);
  }
}

const INPUTS = ['value', 'm', 'v', 'grad'] as const;

/** The step's scalars, from the kernel's attrs and its accBeta inputs. */
function scalarsOf({ attrs, values }: KernelCall<AdamAttrs>): Scalars {
  return scalars(values('accBeta1')[0]!, values('accBeta2')[0]!, attrs);
}

registerCpuWasmKernel<AdamAttrs>({
  name: KERNELS.adam,
  outputs: (info) => [0, 1, 2].map(() => ({ shape: info('value').shape, dtype: 'float32' as const })),
  run: (call) => {
    const inputs = INPUTS.map((name) => call.values(name));
    const outputs = [0, 1, 2].map((j) => call.output(j));
    if (call.flag('skip')) return outputs.forEach((out, j) => out.set(inputs[j]!));
    const k = scalarsOf(call);
    const lanes = call.lanes(inputs[0]!.length);
    if (lanes > 0) call.simd!.adam(...[...inputs, ...outputs].map((a) => a.byteOffset), lanes, ...k);
    adamInto(inputs, outputs, k, lanes); // the last n mod 4 elements (all of them without SIMD)
  },
});

// The accumulated betas after the step, as tfjs' mul(accBeta, β) makes them; unchanged on a skipped step.
registerScalarKernel<AdamAttrs>(KERNELS.adamBetas, 2, ({ attrs: { beta1, beta2 }, values, flag }) => {
  const [acc1, acc2] = [values('accBeta1')[0]!, values('accBeta2')[0]!];
  return flag('skip') ? [acc1, acc2] : [f(acc1 * f(beta1)), f(acc2 * f(beta2))];
});

/** Whether `opt` is a plain tf.train.adam (not a subclass) and the backend has the fused kernel. */
export function fusedAdamApplies(opt: tf.Optimizer): boolean {
  return adamInternals(opt) !== undefined && tf.getKernel(KERNELS.adam, tf.getBackend()) !== undefined;
}

/**
 * adam.applyGradients(grads), masked by `skip` (a bool scalar) if given: where it is true, the weights, the
 * moments and the accumulated betas stay as they were. Moment slots are created as tfjs creates them (slot i
 * for the i-th gradient, named `${name}/m` and `${name}/v`), so getWeights and setWeights see tfjs' layout.
 */
export function fusedAdamStep(adam: tf.Optimizer, names: string[], grads: tf.Tensor[], skip?: tf.Scalar): void {
  const a = adam as unknown as AdamInternals;
  const vars = registeredVariables();
  const attrs: AdamAttrs = { beta1: a.beta1, beta2: a.beta2, epsilon: a.epsilon, learningRate: a.learningRate };
  tf.tidy(() => {
    names.forEach((name, i) => {
      const value = vars[name];
      if (!value) return;
      const slot = (list: AdamInternals['accumulatedFirstMoment'], suffix: string): tf.Variable =>
        (list[i] ??= {
          originalName: `${name}/${suffix}`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        }).variable;
      const [m, v] = [slot(a.accumulatedFirstMoment, 'm'), slot(a.accumulatedSecondMoment, 'v')];
      if (!grads[i]) return; // as tfjs: the slots exist, the variable is left alone
      const inputs = {
        value,
        m,
        v,
        grad: grads[i]!,
        accBeta1: a.accBeta1,
        accBeta2: a.accBeta2,
        ...(skip && { skip }),
      };
      const out = tf.engine().runKernel(KERNELS.adam, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      [value, m, v].forEach((target, j) => target.assign(out[j]!));
    });
    const inputs = { accBeta1: a.accBeta1, accBeta2: a.accBeta2, ...(skip && { skip }) };
    const betas = tf.engine().runKernel(KERNELS.adamBetas, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    a.accBeta1.assign(betas[0]!);
    a.accBeta2.assign(betas[1]!);
  });
  a.incrementIterations();
}

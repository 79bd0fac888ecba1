import { DynamicLossScaler, lossScaleStep, onNumbers, roundValue } from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

const f = Math.fround;
const exact = { compare: { kind: 'exact' } } as const;
const float32Ulps = (ulps: number) => ({ compare: { kind: 'ulps', format: 'float32', ulps } }) as const;
/**
 * Number formats (their rounding, codes and fields) and tensors, not the library's mixed-precision or numerics
 * modules, which answer these: not amp/, and not the whole formats/ folder, whose simd/amp_simd holds the
 * training step's SIMD kernels (unscaling with its finiteness flag among them).
 */
const FORMATS: Uses = { library: ['formats/round', 'formats/codec', 'formats/fields'], packages: ['@tensorflow/tfjs'] };
/** Plain arithmetic: no library module, no package. */
const NOTHING: Uses = { library: [], packages: [] };

// l4.q1: torch's GradScaler update, from the library's one rule (scale_rule.ts)
const config = { growthFactor: 2, backoffFactor: 0.5, growthInterval: 3 };
function after(
  state: { scale: number; goodSteps: number },
  foundInf: boolean,
  c: typeof config = config,
): { scale: number; goodSteps: number } {
  const rule = new DynamicLossScaler(c).options;
  const next = lossScaleStep(onNumbers, { ...state, hysteresisLeft: rule.hysteresis }, foundInf, rule);
  return { scale: next.scale, goodSteps: next.goodSteps };
}
const threeQuarters = { growthFactor: 2, backoffFactor: 0.75, growthInterval: 3 };

// l4.q2: an independent formula for the master-weight step, every stored value a float32
function masterStep(master: number[], grads: number[], lr: number) {
  const next = master.map((w, i) => f(w - f(lr * grads[i]!)));
  return { master: next, compute: next.map((w) => roundValue(w, 'float16')) };
}

// l4.q3: an independent formula: each quotient a float32, finite only if every one is
function unscaled(scaled: number[], scale: number) {
  const grads = scaled.map((g) => f(g / scale));
  return { grads, finite: grads.every(Number.isFinite) };
}

// l4.q4: torch's clip_grad_norm_, written out: the global L2 norm, coef = min(max / (norm + 1e-6), 1)
function clipped(grads: number[][], maxNorm: number) {
  const norm = f(Math.sqrt(grads.flat().reduce((s, v) => s + v * v, 0)));
  if (!Number.isFinite(norm)) return { grads, totalNorm: norm, finite: false };
  const coef = Math.min(f(maxNorm / f(norm + f(1e-6))), 1);
  return { grads: grads.map((g) => g.map((v) => f(v * coef))), totalNorm: norm, finite: true };
}

export const LESSON4: Question[] = [
  {
    kind: 'code',
    id: 'l4.q1',
    title: 'The dynamic loss-scale update',
    file: 'lesson4/index.ts',
    export: 'updateLossScale',
    uses: FORMATS,
    cases: [
      shown(
        'an overflow halves the scale',
        [{ scale: 1024, goodSteps: 2 }, true, config],
        after({ scale: 1024, goodSteps: 2 }, true),
        exact,
      ),
      shown(
        'a good step counts',
        [{ scale: 1024, goodSteps: 0 }, false, config],
        after({ scale: 1024, goodSteps: 0 }, false),
        exact,
      ),
      hidden(
        'the growthInterval-th good step in a row doubles it',
        [{ scale: 1024, goodSteps: 2 }, false, config],
        after({ scale: 1024, goodSteps: 2 }, false),
        {
          ...exact,
          failureMessage:
            'Count the steps in a row: the growthInterval-th good one grows the scale and restarts the count.',
        },
      ),
      hidden(
        'an overflow restarts the count of good steps',
        [{ scale: 512, goodSteps: 1 }, true, config],
        after({ scale: 512, goodSteps: 1 }, true),
        { ...exact, failureMessage: 'An overflow breaks the run of good steps: the count starts again from 0.' },
      ),
      hidden(
        'the scale is a float32',
        [{ scale: f(1000.1), goodSteps: 0 }, true, threeQuarters],
        after({ scale: f(1000.1), goodSteps: 0 }, true, threeQuarters),
        { ...exact, failureMessage: 'torch keeps the scale in a float32 tensor: round each new scale to float32.' },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q2',
    title: 'A master-weights update',
    file: 'lesson4/index.ts',
    export: 'masterWeightStep',
    uses: FORMATS,
    cases: [
      shown(
        'small updates survive in the master copy',
        [[1, 2048], [-1e-3, -1], 0.1],
        masterStep([1, 2048], [-1e-3, -1], 0.1),
        {
          compare: { kind: 'bits' },
        },
      ),
      hidden(
        'and reach the float16 copy once they add up',
        [[0.5, -3], [0.2, 0.7], 1e-2],
        masterStep([0.5, -3], [0.2, 0.7], 1e-2),
        {
          compare: { kind: 'bits' },
        },
      ),
      hidden(
        'lr·grad is itself stored as a float32 before the subtraction',
        [[f(0.1014)], [f(0.30098)], f(0.01)],
        masterStep([f(0.1014)], [f(0.30098)], f(0.01)),
        {
          compare: { kind: 'bits' },
          failureMessage: 'Every value the step stores is a float32: the update lr·grad too, before it is subtracted.',
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q3',
    title: 'Unscale gradients and check them',
    file: 'lesson4/index.ts',
    export: 'unscaleGradients',
    uses: FORMATS,
    cases: [
      shown('finite', [[1024, -512, 2], 1024], unscaled([1024, -512, 2], 1024), exact),
      hidden('an overflow', [[Infinity, 3], 8], unscaled([Infinity, 3], 8), {
        ...exact,
        failureMessage: 'Any inf or NaN means the step must be skipped.',
      }),
      hidden('a NaN', [[2, NaN], 4], unscaled([2, NaN], 4), {
        ...exact,
        failureMessage: 'NaN is not finite either: 0·inf or inf − inf in the backward pass gives NaN, not inf.',
      }),
      hidden('a scale that is not a power of two', [[1, 2, 10], 3], unscaled([1, 2, 10], 3), {
        ...exact,
        failureMessage: 'The gradients are float32 tensors: each quotient is a float32.',
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q4',
    title: 'Clip by the global norm, as torch does',
    file: 'lesson4/index.ts',
    export: 'clipByGlobalNorm',
    uses: NOTHING,
    cases: [
      shown('a norm above maxNorm', [[[3, -4], [12]], 1], clipped([[3, -4], [12]], 1), float32Ulps(4)),
      shown('a norm below maxNorm', [[[0.3, -0.4]], 1], clipped([[0.3, -0.4]], 1), float32Ulps(4)),
      hidden(
        'one norm over all tensors',
        [
          [
            [3, 4],
            [0.6, 0.8],
          ],
          1,
        ],
        clipped(
          [
            [3, 4],
            [0.6, 0.8],
          ],
          1,
        ),
        {
          ...float32Ulps(4),
          failureMessage: 'The norm is one number for all the gradients together, not one per tensor.',
        },
      ),
      hidden('a norm near the 1e-6 torch adds', [[[3e-6, 4e-6]], 1e-6], clipped([[3e-6, 4e-6]], 1e-6), {
        ...float32Ulps(4),
        failureMessage: 'torch divides maxNorm by the norm plus 1e-6.',
      }),
      hidden('an overflowed gradient', [[[Infinity, 1], [2]], 1], clipped([[Infinity, 1], [2]], 1), {
        ...float32Ulps(4),
        failureMessage: 'A non-finite norm leaves the gradients as they are, and the step must not go ahead.',
      }),
      hidden('a NaN gradient', [[[1, NaN]], 1], clipped([[1, NaN]], 1), {
        ...float32Ulps(4),
        failureMessage: 'NaN is not finite either.',
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l4.q5',
    title: 'Which ops of the block stay in float32 under large activations',
    file: 'lesson4/index.ts',
    export: 'float32Ops',
    uses: NOTHING,
    cases: [
      shown('the block still predicts', [], { keep: ['layer_norm'], scaleFirst: true }, exact),
      hidden('with as few ops kept as possible', [], { keep: ['layer_norm'], scaleFirst: true }, exact),
    ],
  },
  {
    kind: 'choice',
    id: 'l4.c1',
    title:
      "Under torch.autocast with float16, a transformer's sublayers (attention, MLP) return float16, yet the residual stream they are added to stays float32. Why?",
    points: 1,
    choices: [
      'autocast puts add on its float32 list',
      'add promotes to its widest input, and the residual stream starts as float32 embeddings',
      "layer norm's float32 output is what gets added",
      'the loss scaler keeps activations in float32',
    ],
    answer: 'add promotes to its widest input, and the residual stream starts as float32 embeddings',
  },
  {
    kind: 'choice',
    id: 'l4.c2',
    title: 'Why must the gradients be unscaled before they are clipped?',
    points: 1,
    choices: [
      'clipping scaled gradients would overflow float16',
      'the clip compares the norm with max_norm, and a scaled norm is S times too large: every step would be clipped and shrunk by about S',
      'unscaling is what finds inf and NaN, and clipping first would remove them',
      'it does not matter: clipping and unscaling are both multiplications, so their order is free',
    ],
    answer:
      'the clip compares the norm with max_norm, and a scaled norm is S times too large: every step would be clipped and shrunk by about S',
  },
  {
    kind: 'choice',
    id: 'l4.c3',
    title: "Why does a checkpoint of a float16 run keep the GradScaler's state_dict()?",
    points: 1,
    choices: [
      'the saved weights are stored multiplied by the scale',
      "Adam's moments are kept scaled, so they must be unscaled on load",
      'without it the resumed run starts again from the initial scale and its good-step count, and skips steps until it has backed off again',
      'it does not need to: the scaler finds its level again in one step',
    ],
    answer:
      'without it the resumed run starts again from the initial scale and its good-step count, and skips steps until it has backed off again',
  },
  {
    kind: 'numeric',
    id: 'l4.c4',
    title:
      "A model's scaled gradients overflow float16 at every loss scale above 2^11. With torch's GradScaler defaults, how many steps are skipped before the first one goes through?",
    points: 1,
    answer: 5,
  },
  {
    kind: 'numeric',
    id: 'l4.c5',
    title:
      'A layer norm computes its variance from (x − μ)² in float16. In its input, x − μ is at most 3 in absolute value. If the whole input is multiplied by c, what is the largest power of two c for which no (x − μ)² overflows float16?',
    points: 2,
    answer: 64,
  },
];

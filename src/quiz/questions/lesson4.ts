import {
  AUTOCAST_OPS,
  DynamicLossScaler,
  LOSS_SCALE_PRESETS,
  lossScaleStep,
  onNumbers,
  roundValue,
} from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

const exact = { compare: { kind: 'exact' } } as const;
/**
 * Number formats (their rounding, codes and fields) and tensors, not the library's mixed-precision or numerics
 * modules, which answer these: not amp/, and not the whole formats/ folder, whose simd/amp_simd holds the
 * training step's SIMD kernels (unscaling with its finiteness flag among them).
 */
const FORMATS: Uses = { library: ['formats/round', 'formats/codec', 'formats/fields'], packages: ['@tensorflow/tfjs'] };
const config = { growthFactor: 2, backoffFactor: 0.5, growthInterval: 3 };

/** The expected state: the library's rule, with the parameters config leaves out as DynamicLossScaler sets them. */
function after(state: { scale: number; goodSteps: number }, foundInf: boolean): { scale: number; goodSteps: number } {
  const rule = new DynamicLossScaler(config).options;
  const next = lossScaleStep(onNumbers, { ...state, hysteresisLeft: rule.hysteresis }, foundInf, rule);
  return { scale: next.scale, goodSteps: next.goodSteps };
}

function masterStep(master: number[], grads: number[], lr: number) {
  const next = master.map((w, i) => Math.fround(w - Math.fround(lr * grads[i]!)));
  return { master: next, compute: next.map((w) => roundValue(w, 'float16')) };
}

const fp32Op = Object.entries(AUTOCAST_OPS).find(([op, e]) => e.rule === 'float32' && op === 'softmax')![0];

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
        'the third good step doubles it',
        [{ scale: 1024, goodSteps: 2 }, false, config],
        after({ scale: 1024, goodSteps: 2 }, false),
        {
          ...exact,
          failureMessage: 'After growthInterval good steps in a row the scale grows and the count restarts.',
        },
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
      shown('finite', [[1024, -512, 2], 1024], { grads: [1, -0.5, 2 / 1024], finite: true }, exact),
      hidden(
        'an overflow',
        [[Infinity, 3], 8],
        { grads: [Infinity, 3 / 8], finite: false },
        {
          ...exact,
          failureMessage: 'Any inf or NaN means the step must be skipped.',
        },
      ),
    ],
  },
  {
    kind: 'choice',
    id: 'l4.c1',
    title: 'Under autocast, which of these ops stays in float32?',
    points: 1,
    choices: ['matmul', fp32Op, 'linear', 'conv2d'],
    answer: fp32Op,
  },
  {
    kind: 'numeric',
    id: 'l4.c2',
    title: "What is torch's GradScaler's initial scale?",
    points: 1,
    answer: LOSS_SCALE_PRESETS.torch.initScale,
  },
];

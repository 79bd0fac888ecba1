import * as tf from '@tensorflow/tfjs';
import { fakeQuantize, MinMaxObserver } from '../../mp/index';
import { hidden, shown, type Question } from '../question';

/** torch's qparams, from the library's observer (which matches torch bit for bit). */
function qparams(min: number, max: number, qmin: number, qmax: number): { scale: number; zeroPoint: number } {
  return MinMaxObserver.qparamsOf(min, max, { dtype: qmin < 0 ? 'qint8' : 'quint8', quantMin: qmin, quantMax: qmax });
}

function fq(values: number[], scale: number, zeroPoint: number, qmin: number, qmax: number): number[] {
  return tf.tidy(() =>
    Array.from(fakeQuantize(tf.tensor1d(values), { scale, zeroPoint, quantMin: qmin, quantMax: qmax }).dataSync()),
  );
}

function mask(values: number[], scale: number, zeroPoint: number, qmin: number, qmax: number): number[] {
  return tf.tidy(() => {
    const g = tf.grad((x: tf.Tensor) => fakeQuantize(x, { scale, zeroPoint, quantMin: qmin, quantMax: qmax }).sum());
    return Array.from(g(tf.tensor1d(values)).dataSync());
  });
}

const close = { compare: { kind: 'relative', tolerance: 1e-6 } } as const;
const exact = { compare: { kind: 'exact' } } as const;
const xs = [-1.3, -0.26, 0.0, 0.11, 0.52, 2.6, 7.9];

export const LESSON2: Question[] = [
  {
    kind: 'code',
    id: 'l2.q1',
    title: 'Affine qparams from min and max',
    file: 'lesson2/index.ts',
    export: 'affineQParams',
    uses: { packages: ['@tensorflow/tfjs'] },
    cases: [
      shown('quint8 over [-1, 3]', [-1, 3, 0, 255], qparams(-1, 3, 0, 255), exact),
      shown('qint8 over [-2, 2]', [-2, 2, -128, 127], qparams(-2, 2, -128, 127), exact),
      hidden('all positive: the range must include 0', [0.5, 4, 0, 255], qparams(0.5, 4, 0, 255), {
        ...exact,
        failureMessage: 'Widen [min, max] to include 0 first, so that 0 is exact.',
      }),
      hidden('min == max == 0: scale floors at eps', [0, 0, 0, 255], qparams(0, 0, 0, 255), exact),
      hidden('reduced range', [-3.7, 1.2, 0, 127], qparams(-3.7, 1.2, 0, 127), exact),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q2',
    title: "The fake quantizer's forward pass",
    file: 'lesson2/index.ts',
    export: 'fakeQuantForward',
    uses: { packages: ['@tensorflow/tfjs'] },
    cases: [
      shown('int8, scale 0.05', [xs, 0.05, 0, -128, 127], fq(xs, 0.05, 0, -128, 127), close),
      hidden('uint8 with zero point 10: clipping at both ends', [xs, 0.02, 10, 0, 255], fq(xs, 0.02, 10, 0, 255), {
        ...close,
        failureMessage: 'Clamp the integer code to [qmin, qmax] before subtracting the zero point.',
      }),
      hidden('int4', [xs, 0.5, 0, -8, 7], fq(xs, 0.5, 0, -8, 7), close),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q3',
    title: 'The straight-through estimator',
    file: 'lesson2/index.ts',
    export: 'steMask',
    uses: { packages: ['@tensorflow/tfjs'] },
    cases: [
      shown('uint8 with zero point 10', [xs, 0.02, 10, 0, 255], mask(xs, 0.02, 10, 0, 255), exact),
      hidden('int4', [xs, 0.5, 0, -8, 7], mask(xs, 0.5, 0, -8, 7), {
        ...exact,
        failureMessage: 'Gradients pass only where the code was not clipped.',
      }),
    ],
  },
  {
    kind: 'choice',
    id: 'l2.c1',
    title: 'Which method quantizes activations with parameters computed from each batch at run time?',
    points: 1,
    choices: [
      'static post-training quantization',
      'dynamic quantization',
      'quantization-aware training',
      'automatic mixed precision',
    ],
    answer: 'dynamic quantization',
  },
];

import * as tf from '@tensorflow/tfjs';
import {
  fakeQuantize,
  getFormat,
  MinMaxObserver,
  type FloatFormat,
  type QuantDtype,
  type QScheme,
} from '../../mp/index';
import { hidden, shown, type Question, type Uses } from '../question';

/** torch's qparams, from the library's observer (which matches torch bit for bit). */
const qparams = (min: number, max: number, dtype: QuantDtype, qscheme: QScheme) =>
  MinMaxObserver.qparamsOf(min, max, { dtype, qscheme });

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

/**
 * Half the gap between |w| and the next value of the format above it, written for the grader: a step larger than
 * that moves w either way (the gap below is never wider than the gap above), and a smaller upward step rounds back.
 * Below the smallest normal value the gap stays at the smallest subnormal.
 */
export function survivingStep(w: number, format: string): number {
  const f = getFormat(format) as FloatFormat;
  const a = Math.abs(w);
  let e = f.minExp;
  if (a >= f.minNormal) {
    e = Math.floor(Math.log2(a));
    if (2 ** e > a) e--;
    if (2 ** (e + 1) <= a) e++;
  }
  return 2 ** (e - f.manBits) / 2;
}

const close = { compare: { kind: 'relative', tolerance: 1e-6 } } as const;
const exact = { compare: { kind: 'exact' } } as const;
const xs = [-1.3, -0.26, 0.0, 0.11, 0.52, 2.6, 7.9];
/** Nothing from the library and no package: every one of these is a few lines of arithmetic. */
const PLAIN: Uses = {};

export const LESSON2: Question[] = [
  {
    kind: 'code',
    id: 'l2.q1',
    title: "The scale and zero point torch's MinMaxObserver returns",
    file: 'lesson2/index.ts',
    export: 'observerQParams',
    uses: PLAIN,
    cases: [
      shown(
        'quint8, affine, over [-1, 3]',
        [-1, 3, 'quint8', 'per_tensor_affine'],
        qparams(-1, 3, 'quint8', 'per_tensor_affine'),
        close,
      ),
      shown(
        'qint8, affine, over [-2.5, 1.25]',
        [-2.5, 1.25, 'qint8', 'per_tensor_affine'],
        qparams(-2.5, 1.25, 'qint8', 'per_tensor_affine'),
        close,
      ),
      hidden(
        'all positive',
        [0.75, 6.125, 'quint8', 'per_tensor_affine'],
        qparams(0.75, 6.125, 'quint8', 'per_tensor_affine'),
        {
          ...close,
          failureMessage: 'The grid must hold 0.0 exactly, even when every observed value is positive.',
        },
      ),
      hidden(
        'all negative',
        [-6.5, -0.5, 'qint8', 'per_tensor_affine'],
        qparams(-6.5, -0.5, 'qint8', 'per_tensor_affine'),
        {
          ...close,
          failureMessage: 'The grid must hold 0.0 exactly, even when every observed value is negative.',
        },
      ),
      hidden('all zeros', [0, 0, 'quint8', 'per_tensor_affine'], qparams(0, 0, 'quint8', 'per_tensor_affine'), {
        ...close,
        failureMessage: "A tensor of zeros still gets a scale > 0: torch's smallest scale is 2^-23.",
      }),
      hidden(
        'a zero point exactly halfway',
        [-0.0546875, 3.9296875, 'quint8', 'per_tensor_affine'],
        qparams(-0.0546875, 3.9296875, 'quint8', 'per_tensor_affine'),
        {
          ...close,
          failureMessage: 'torch rounds a tie to the even integer (nearbyint); Math.round rounds it up.',
        },
      ),
      hidden(
        'qint8, symmetric',
        [-2, 1.5, 'qint8', 'per_tensor_symmetric'],
        qparams(-2, 1.5, 'qint8', 'per_tensor_symmetric'),
        {
          ...close,
          failureMessage: "torch's symmetric scale divides the larger magnitude by (qmax − qmin)/2 = 127.5, not 127.",
        },
      ),
      hidden(
        'quint8, symmetric',
        [-1, 3, 'quint8', 'per_tensor_symmetric'],
        qparams(-1, 3, 'quint8', 'per_tensor_symmetric'),
        {
          ...close,
          failureMessage: 'A symmetric quint8 grid puts 0.0 at code 128, in the middle of 0…255.',
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q2',
    title: "What torch's fake quantizer returns",
    file: 'lesson2/index.ts',
    export: 'fakeQuantForward',
    uses: PLAIN,
    cases: [
      shown('int8, scale 0.05', [xs, 0.05, 0, -128, 127], fq(xs, 0.05, 0, -128, 127), close),
      hidden('uint8 with zero point 10: clipping at both ends', [xs, 0.02, 10, 0, 255], fq(xs, 0.02, 10, 0, 255), {
        ...close,
        failureMessage:
          'Clamp the integer code (after adding the zero point) to [qmin, qmax], then subtract the zero point.',
      }),
      hidden('int4', [xs, 0.5, 0, -8, 7], fq(xs, 0.5, 0, -8, 7), close),
      hidden('ties', [[0.25, 0.75, -0.25, 1.25], 0.5, 0, -8, 7], fq([0.25, 0.75, -0.25, 1.25], 0.5, 0, -8, 7), {
        ...close,
        failureMessage: 'A value halfway between two grid points goes to the even code, as torch rounds.',
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q3',
    title: "The gradient torch's fake quantizer passes back",
    file: 'lesson2/index.ts',
    export: 'steMask',
    uses: PLAIN,
    cases: [
      shown('uint8 with zero point 10', [xs, 0.02, 10, 0, 255], mask(xs, 0.02, 10, 0, 255), exact),
      hidden('int4', [xs, 0.5, 0, -8, 7], mask(xs, 0.5, 0, -8, 7), exact),
      hidden(
        'just beyond the last grid point',
        [[3.6, 3.74, 3.76, -4.2, -4.26], 0.5, 0, -8, 7],
        mask([3.6, 3.74, 3.76, -4.2, -4.26], 0.5, 0, -8, 7),
        {
          ...exact,
          failureMessage:
            "The mask follows the rounded code, not the value: a value past the grid's end that rounds onto it keeps its gradient.",
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q4',
    title: 'The smallest step sure to change a stored weight',
    file: 'lesson2/index.ts',
    export: 'stepThatSurvives',
    uses: { library: ['formats/registry'] },
    cases: [
      shown('1.5 in float16', [1.5, 'float16'], survivingStep(1.5, 'float16'), close),
      shown('3 in bfloat16', [3, 'bfloat16'], survivingStep(3, 'bfloat16'), close),
      hidden('a power of two', [1, 'float16'], survivingStep(1, 'float16'), {
        ...close,
        failureMessage:
          'At a power of two the gap above is twice the gap below; a step up must beat half the wider one.',
      }),
      hidden('inside a binade', [1.75, 'bfloat16'], survivingStep(1.75, 'bfloat16'), {
        ...close,
        failureMessage: 'Between two powers of two the gap is constant: it does not grow with w.',
      }),
      hidden('a negative weight', [-0.3125, 'float16'], survivingStep(-0.3125, 'float16'), {
        ...close,
        failureMessage: 'The gaps around −w are those around w.',
      }),
      hidden('zero', [0, 'float16'], survivingStep(0, 'float16'), {
        ...close,
        failureMessage: 'Below the smallest normal value the gap stops shrinking: it is the smallest subnormal.',
      }),
      hidden('a subnormal', [3 * 2 ** -24, 'float16'], survivingStep(3 * 2 ** -24, 'float16'), close),
      hidden('float32', [1, 'float32'], survivingStep(1, 'float32'), close),
      hidden('the largest float16', [65504, 'float16'], survivingStep(65504, 'float16'), close),
    ],
  },
  {
    kind: 'choice',
    id: 'l2.c1',
    title: "Why does mixed_bfloat16 keep float32 master weights, although bfloat16 has float32's exponent range?",
    points: 2,
    choices: [
      'bfloat16 keeps 8 significant bits, so a step smaller than half the gap around a weight is rounded away',
      'to stop small gradients from underflowing to zero',
      'because the matrix units only accept float32 weights',
      'to keep the activations for the backward pass in full precision',
    ],
    answer: 'bfloat16 keeps 8 significant bits, so a step smaller than half the gap around a weight is rounded away',
  },
  {
    kind: 'choice',
    id: 'l2.c2',
    title: 'Why does autocast run softmax in float32?',
    points: 2,
    choices: [
      'exp of a logit above 11 overflows float16 inside the softmax',
      "its probabilities: over a large vocabulary most fall below float16's normal range, and a 0 makes the loss infinite",
      'softmax is a matrix product, and those run in float32',
      'autocast switches an op to float32 when it detects an overflow',
    ],
    answer:
      "its probabilities: over a large vocabulary most fall below float16's normal range, and a 0 makes the loss infinite",
  },
  {
    kind: 'choice',
    id: 'l2.c3',
    title: 'Why is dynamic quantization the usual choice for Linear and LSTM layers?',
    points: 2,
    choices: [
      "their time goes into loading weights, which int8 cuts by 4×, while measuring each batch's activation range is cheap",
      'it adjusts the quantization ranges during training from the gradients',
      'their activations cannot be calibrated ahead of time',
      'it keeps the activations in int8 from one layer to the next',
    ],
    answer:
      "their time goes into loading weights, which int8 cuts by 4×, while measuring each batch's activation range is cheap",
  },
  {
    kind: 'numeric',
    id: 'l2.c4',
    title:
      "A softmax over n equally likely classes: from how many classes n on does 1/n fall below float16's smallest normal value?",
    points: 2,
    answer: 2 ** 14 + 1,
  },
];

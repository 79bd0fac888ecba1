import * as tf from '@tensorflow/tfjs';
import { fakeQuantize, MinMaxObserver } from '../../mp/index';
import { hidden, mistake, shown, type Question } from '../question';

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

/** Wrong formulas for affineQParams(min, max, qmin, qmax): each gives the scale it would compute. */
const QPARAMS_MISTAKES = [
  mistake(
    (min: number, max: number, qmin: number, qmax: number) => ({ scale: (max - min) / (qmax - qmin) }),
    {
      en: 'the range was not widened to include 0: torch uses [min(min, 0), max(max, 0)], so that 0 is exactly representable.',
      zh: '没有把区间扩展到包含 0：torch 用的是 [min(min, 0), max(max, 0)]，这样 0 才能被精确表示。',
    },
    close.compare,
  ),
  mistake(
    (min: number, max: number) => ({ scale: (Math.max(max, 0) - Math.min(min, 0)) / 255 }),
    {
      en: 'the integer range is fixed at 255 steps: divide by qmax − qmin from the arguments (a reduced range has fewer).',
      zh: '整数范围写死成了 255 级：应除以参数给出的 qmax − qmin（缩小的范围级数更少）。',
    },
    close.compare,
  ),
  mistake(
    (min: number, max: number, qmin: number, qmax: number) => ({
      scale: (Math.max(max, 0) - Math.min(min, 0)) / (qmax - qmin),
    }),
    {
      en: 'the scale differs in its last digits: torch computes it in float32, so round each step with Math.fround.',
      zh: 'scale 的最后几位不对：torch 用 float32 计算，每一步都要用 Math.fround 舍入。',
    },
  ),
  mistake(() => ({ scale: 0 }), {
    en: 'scale 0: for an empty range (min = max = 0) torch keeps the scale at least eps = 2^−23, so that x/scale stays finite.',
    zh: 'scale 为 0：区间为空（min = max = 0）时，torch 让 scale 至少为 eps = 2^−23，以保证 x/scale 有限。',
  }),
];

/** Wrong formulas for fakeQuantForward(values, scale, zeroPoint, qmin, qmax). */
const roundEven = (t: number): number => {
  const r = Math.round(t);
  return r - t === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
const FORWARD_MISTAKES = [
  mistake(
    (v: number[], s: number) => v.map((x) => roundEven(x / s) * s),
    {
      en: 'nothing was clipped: clamp the code round(x/scale) + zeroPoint to [qmin, qmax] before subtracting the zero point.',
      zh: '没有截断：在减去零点之前，要把整数码 round(x/scale) + zeroPoint 截断到 [qmin, qmax]。',
    },
    close.compare,
  ),
  mistake(
    (v: number[], s: number, _z: number, lo: number, hi: number) => v.map((x) => clamp(roundEven(x / s), lo, hi) * s),
    {
      en: 'the clamp ignored the zero point: clamp the code round(x/scale) + zeroPoint, not round(x/scale), to [qmin, qmax].',
      zh: '截断时忽略了零点：要截断的是整数码 round(x/scale) + zeroPoint，而不是 round(x/scale)。',
    },
    close.compare,
  ),
];

/** Wrong formulas for steMask(values, scale, zeroPoint, qmin, qmax). */
const MASK_MISTAKES = [
  mistake((v: number[]) => v.map(() => 1), {
    en: 'every gradient passes: the clipping estimator passes a gradient only where the code lies in [qmin, qmax]; where the quantizer clipped, it is 0.',
    zh: '所有梯度都通过了：带截断的直通估计器只在整数码落在 [qmin, qmax] 内时让梯度通过，被截断的位置梯度为 0。',
  }),
  mistake(
    (v: number[], s: number, _z: number, lo: number, hi: number) =>
      v.map((x) => (Math.round(x / s) >= lo && Math.round(x / s) <= hi ? 1 : 0)),
    {
      en: 'the zero point is missing: test the code round(x/scale) + zeroPoint against [qmin, qmax].',
      zh: '漏了零点：要判断的是整数码 round(x/scale) + zeroPoint 是否落在 [qmin, qmax] 内。',
    },
  ),
];

export const LESSON2: Question[] = [
  {
    kind: 'code',
    id: 'l2.q1',
    title: { en: 'Affine qparams from min and max', zh: '由最小值和最大值求仿射量化参数' },
    prompt: {
      en:
        "torch's affine qparams for observed [min, max] and integer range [qmin, qmax]: the range is widened to include 0, " +
        'scale = (max − min)/(qmax − qmin) (at least eps = 2^-23), zeroPoint = qmin − round(min/scale) (round half to ' +
        'even), clamped to [qmin, qmax]. Compute in float32 (Math.fround) as torch does.',
      zh:
        '按 torch 的做法，由观测到的 [min, max] 和整数范围 [qmin, qmax] 求仿射量化参数：先把区间扩展到包含 0，' +
        'scale = (max − min)/(qmax − qmin)（至少为 eps = 2^-23），zeroPoint = qmin − round(min/scale)（向偶数舍入），' +
        '并截断到 [qmin, qmax]。像 torch 一样用 float32 计算（Math.fround）。',
    },
    minutes: 15,
    file: 'lesson2/index.ts',
    export: 'affineQParams',
    uses: { packages: ['@tensorflow/tfjs'] },
    cases: [
      shown({ en: 'quint8 over [-1, 3]', zh: 'quint8，区间 [-1, 3]' }, [-1, 3, 0, 255], qparams(-1, 3, 0, 255), {
        ...exact,
        mistakes: QPARAMS_MISTAKES,
      }),
      shown({ en: 'qint8 over [-2, 2]', zh: 'qint8，区间 [-2, 2]' }, [-2, 2, -128, 127], qparams(-2, 2, -128, 127), {
        ...exact,
        mistakes: QPARAMS_MISTAKES,
      }),
      hidden(
        { en: 'all positive: the range must include 0', zh: '全为正数：区间必须包含 0' },
        [0.5, 4, 0, 255],
        qparams(0.5, 4, 0, 255),
        {
          ...exact,
          mistakes: QPARAMS_MISTAKES,
          catches: { en: 'a range not widened to include 0', zh: '没有把区间扩展到包含 0' },
        },
      ),
      hidden(
        { en: 'min == max == 0: scale floors at eps', zh: 'min == max == 0：scale 取下限 eps' },
        [0, 0, 0, 255],
        qparams(0, 0, 0, 255),
        {
          ...exact,
          mistakes: QPARAMS_MISTAKES,
          catches: { en: 'an empty range left with scale 0', zh: '空区间导致 scale 为 0' },
        },
      ),
      hidden({ en: 'reduced range', zh: '缩小的整数范围' }, [-3.7, 1.2, 0, 127], qparams(-3.7, 1.2, 0, 127), {
        ...exact,
        mistakes: QPARAMS_MISTAKES,
        catches: { en: 'an integer range fixed at 255 steps', zh: '整数范围写死为 255 级' },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q2',
    title: { en: "The fake quantizer's forward pass", zh: '伪量化器的前向计算' },
    prompt: {
      en: "The fake quantizer's forward pass: (clamp(round(x/scale) + zeroPoint, qmin, qmax) − zeroPoint)·scale, ties to even.",
      zh: '伪量化器的前向计算：(clamp(round(x/scale) + zeroPoint, qmin, qmax) − zeroPoint)·scale，向偶数舍入。',
    },
    minutes: 10,
    file: 'lesson2/index.ts',
    export: 'fakeQuantForward',
    uses: { packages: ['@tensorflow/tfjs'] },
    cases: [
      shown('int8, scale 0.05', [xs, 0.05, 0, -128, 127], fq(xs, 0.05, 0, -128, 127), {
        ...close,
        mistakes: FORWARD_MISTAKES,
      }),
      hidden(
        { en: 'uint8 with zero point 10: clipping at both ends', zh: 'uint8，零点为 10：两端都会截断' },
        [xs, 0.02, 10, 0, 255],
        fq(xs, 0.02, 10, 0, 255),
        {
          ...close,
          mistakes: FORWARD_MISTAKES,
          catches: { en: 'a clamp that ignores the zero point', zh: '截断时忽略了零点' },
        },
      ),
      hidden('int4', [xs, 0.5, 0, -8, 7], fq(xs, 0.5, 0, -8, 7), { ...close, mistakes: FORWARD_MISTAKES }),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q3',
    title: { en: 'The straight-through estimator', zh: '直通估计器（STE）' },
    prompt: {
      en: "The clipping straight-through estimator's gradient mask: 1 where round(x/scale) + zeroPoint lies in [qmin, qmax], else 0.",
      zh: '带截断的直通估计器的梯度掩码：round(x/scale) + zeroPoint 落在 [qmin, qmax] 内的位置为 1，否则为 0。',
    },
    minutes: 8,
    file: 'lesson2/index.ts',
    export: 'steMask',
    uses: { packages: ['@tensorflow/tfjs'] },
    cases: [
      shown(
        { en: 'uint8 with zero point 10', zh: 'uint8，零点为 10' },
        [xs, 0.02, 10, 0, 255],
        mask(xs, 0.02, 10, 0, 255),
        { ...exact, mistakes: MASK_MISTAKES },
      ),
      hidden('int4', [xs, 0.5, 0, -8, 7], mask(xs, 0.5, 0, -8, 7), {
        ...exact,
        mistakes: MASK_MISTAKES,
        catches: { en: 'gradients passed where the quantizer clipped', zh: '在量化器截断的位置仍让梯度通过' },
      }),
    ],
  },
  {
    kind: 'choice',
    id: 'l2.c1',
    title: {
      en: 'Which method quantizes activations with parameters computed from each batch at run time?',
      zh: '哪种方法在运行时根据每个批次计算参数来量化激活值？',
    },
    points: 1,
    minutes: 3,
    choices: [
      { en: 'static post-training quantization', zh: '静态训练后量化' },
      { en: 'dynamic quantization', zh: '动态量化' },
      { en: 'quantization-aware training', zh: '量化感知训练' },
      { en: 'automatic mixed precision', zh: '自动混合精度' },
    ],
    answer: 'b',
  },
];

import * as tf from '@tensorflow/tfjs';
import {
  fakeQuantize,
  getFormat,
  MinMaxObserver,
  type FloatFormat,
  type QuantDtype,
  type QScheme,
} from '../../mp/index';
import { equalizationTask, netOf } from '../../course/experiments/equalization_task';
import { judgedBy } from '../judges';
import { hidden, judged, mistake, shown, type Question, type Uses } from '../question';

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

/** torch's round half to even (nearbyint), for the wrong formulas below. */
const roundEven = (t: number): number => {
  const r = Math.round(t);
  return r - t === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
const codesOf = (dtype: QuantDtype): [number, number] => (dtype === 'qint8' ? [-128, 127] : [0, 255]);

/** Wrong formulas for observerQParams(min, max, dtype, qscheme), each with its hint. */
const OBSERVER = {
  noZero: mistake(
    (min: number, max: number, dtype: QuantDtype) => {
      const [qmin, qmax] = codesOf(dtype);
      const scale = Math.fround((max - min) / (qmax - qmin));
      return { scale, zeroPoint: clamp(qmin - roundEven(min / scale), qmin, qmax) };
    },
    {
      en: 'The range was not widened to include 0: with all-positive or all-negative data, 0.0 must still be a code.',
      zh: '没有把范围扩展到包含 0：数据全正或全负时，0.0 仍必须对应一个整数码。',
    },
    close.compare,
  ),
  roundUp: mistake(
    (min: number, max: number, dtype: QuantDtype) => {
      const [qmin, qmax] = codesOf(dtype);
      const scale = Math.fround((Math.max(max, 0) - Math.min(min, 0)) / (qmax - qmin));
      return { scale, zeroPoint: clamp(qmin - Math.round(Math.min(min, 0) / scale), qmin, qmax) };
    },
    {
      en: 'A zero point halfway between two integers goes to the even one, as torch rounds (nearbyint); Math.round rounds it up.',
      zh: '零点恰在两整数正中时应取偶数（torch 的 nearbyint）；Math.round 会向上舍入。',
    },
    close.compare,
  ),
  by127: mistake(
    (min: number, max: number) => ({ scale: Math.max(Math.abs(min), Math.abs(max)) / 127 }),
    {
      en: "torch's symmetric scale divides the larger magnitude by (qmax − qmin)/2 = 127.5, not by 127.",
      zh: 'torch 的对称缩放因子用较大的绝对值除以 (qmax − qmin)/2 = 127.5，而不是 127。',
    },
    close.compare,
  ),
  symZeroAt0: mistake(() => ({ zeroPoint: 0 }), {
    en: 'A symmetric quint8 grid puts 0.0 at code 128, in the middle of 0…255, not at 0.',
    zh: '对称的 quint8 网格把 0.0 放在码 128（0…255 的正中），而不是 0。',
  }),
  zeroScale: mistake(() => ({ scale: 0 }), {
    en: "Data that is all zeros still gets a scale > 0: torch's smallest scale is float32's epsilon, 2⁻²³.",
    zh: '全零数据的缩放因子也要大于 0：torch 的最小缩放因子是 float32 的机器精度 2⁻²³。',
  }),
};

/** Wrong formulas for fakeQuantForward and steMask(values, scale, zeroPoint, qmin, qmax). */
const FAKE_QUANT = {
  noClip: mistake(
    (v: number[], s: number) => v.map((x) => roundEven(x / s) * s),
    {
      en: "Nothing was clipped: values beyond the grid's ends become its end points.",
      zh: '没有截断：超出网格两端的值要变成端点。',
    },
    close.compare,
  ),
  clipWithoutZeroPoint: mistake(
    (v: number[], s: number, _z: number, lo: number, hi: number) => v.map((x) => clamp(roundEven(x / s), lo, hi) * s),
    {
      en: 'The clipping ignored the zero point: it is the code, zero point included, that must lie in [qmin, qmax].',
      zh: '截断时忽略了零点：必须落在 [qmin, qmax] 内的是加上零点之后的整数码。',
    },
    close.compare,
  ),
  roundUp: mistake(
    (v: number[], s: number, z: number, lo: number, hi: number) =>
      v.map((x) => (clamp(Math.round(x / s) + z, lo, hi) - z) * s),
    {
      en: 'A value halfway between two grid points goes to the even code, as torch rounds; Math.round rounds it up.',
      zh: '恰在两个网格点正中的值取偶数码，与 torch 的舍入一致；Math.round 会向上舍入。',
    },
    close.compare,
  ),
  allPass: mistake((v: number[]) => v.map(() => 1), {
    en: 'Every gradient passed: where the quantizer clipped a value, its gradient is 0.',
    zh: '所有梯度都通过了：被量化器截断的值，梯度为 0。',
  }),
  maskByValue: mistake(
    (v: number[], s: number, z: number, lo: number, hi: number) =>
      v.map((x) => (x / s + z >= lo && x / s + z <= hi ? 1 : 0)),
    {
      en: "The mask follows the rounded code, not the value: a value past the grid's end that rounds onto it keeps its gradient.",
      zh: '掩码看的是舍入后的码，而不是原值：超出网格末端但舍入后落在端点上的值保留梯度。',
    },
  ),
};

/** Wrong formulas for stepThatSurvives(w, format). */
const fieldsOf = (format: string) => getFormat(format) as FloatFormat;
const exponentOf = (a: number): number => {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  return e;
};
const STEP = {
  wholeGap: mistake(
    (w: number, format: string) => 2 * survivingStep(w, format),
    {
      en: 'Any step larger than half the gap already moves the weight (exactly half moves it only when ties-to-even rounds away from it): the threshold is half the gap, not the gap.',
      zh: '任何大于间隔一半的步长都已经能改变权重（恰好一半时，只有“就近取偶”把它舍入到另一侧才会改变）：阈值是间隔的一半，而不是整个间隔。',
    },
    close.compare,
  ),
  gapBelow: mistake(
    (w: number, format: string) => {
      const f = fieldsOf(format);
      const a = Math.abs(w);
      const e = a === 2 ** exponentOf(a) && a > f.minNormal ? exponentOf(a) - 1 : Math.max(exponentOf(a), f.minExp);
      return 2 ** (e - f.manBits) / 2;
    },
    {
      en: 'At a power of two the gap above is twice the gap below; a step up must beat half the wider one.',
      zh: '在 2 的幂处，上方间隔是下方间隔的两倍；向上的步长要超过较宽间隔的一半。',
    },
    close.compare,
  ),
  relative: mistake(
    (w: number, format: string) => (Math.abs(w) * fieldsOf(format).epsilon) / 2,
    {
      en: 'Between two powers of two the gap is constant: it does not grow with w.',
      zh: '在相邻两个 2 的幂之间，间隔是常数，不随 w 增大。',
    },
    close.compare,
  ),
  noFloor: mistake(
    (w: number, format: string) =>
      Math.abs(w) === 0 ? 0 : 2 ** (exponentOf(Math.abs(w)) - fieldsOf(format).manBits) / 2,
    {
      en: 'Below the smallest normal value the gap stops shrinking: it is the smallest subnormal.',
      zh: '低于最小正规数后，间隔不再缩小：它等于最小的次正规数。',
    },
    close.compare,
  ),
};

export const LESSON2: Question[] = [
  {
    kind: 'code',
    id: 'l2.q1',
    title: {
      en: "The scale and zero point torch's MinMaxObserver returns",
      zh: 'torch 的 MinMaxObserver 给出的缩放因子与零点',
    },
    prompt: {
      en: [
        "The scale and zero point that torch's `MinMaxObserver(dtype, qscheme)` returns from `calculate_qparams()` after observing values whose smallest is `min` and largest is `max`.",
        "- `dtype` 'quint8' has the codes 0…255, 'qint8' the codes −128…127.",
        "- 'per_tensor_affine': the grid's codes span the observed values, and 0.0 is exactly on the grid whatever the data, all-positive and all-negative data included.",
        "- 'per_tensor_symmetric': the grid is symmetric about 0.0 and covers ±max(|min|, |max|); 0.0 is the code 0 for qint8 and the code 128 for quint8 (section 4 of the lesson prints torch's symmetric int8 scale for [−1, 1]).",
        "- Data that is all zeros still gets a scale > 0: torch never returns a scale below float32's epsilon, 2⁻²³.",
        "- A zero point is an integer; a tie rounds to the even integer, as torch's nearbyint does.",
        '',
        "    observerQParams(-1, 3, 'quint8', 'per_tensor_affine')   // { scale: 0.0156862…, zeroPoint: 64 }",
      ].join('\n'),
      zh: [
        'torch 的 `MinMaxObserver(dtype, qscheme)` 观察到最小值 `min`、最大值 `max` 之后，`calculate_qparams()` 返回的缩放因子与零点。',
        "- `dtype` 为 'quint8' 时整数码是 0…255，'qint8' 时是 −128…127。",
        "- 'per_tensor_affine'：整数码覆盖观察到的取值范围，而且无论数据如何（全正、全负也一样），0.0 都恰好落在网格上。",
        "- 'per_tensor_symmetric'：网格关于 0.0 对称，覆盖 ±max(|min|, |max|)；qint8 时 0.0 对应码 0，quint8 时对应码 128（本课第 4 节打印了 torch 对 [−1, 1] 的对称 int8 缩放因子）。",
        '- 全零数据的缩放因子也大于 0：torch 返回的缩放因子从不小于 float32 的机器精度 2⁻²³。',
        '- 零点是整数；恰在两整数正中时舍入到偶数，与 torch 的 nearbyint 一致。',
      ].join('\n'),
    },
    file: 'lesson2/index.ts',
    export: 'observerQParams',
    minutes: 20,
    uses: PLAIN,
    cases: [
      shown(
        { en: 'quint8, affine, over [-1, 3]', zh: 'quint8，仿射，范围 [-1, 3]' },
        [-1, 3, 'quint8', 'per_tensor_affine'],
        qparams(-1, 3, 'quint8', 'per_tensor_affine'),
        { ...close, mistakes: Object.values(OBSERVER) },
      ),
      shown(
        { en: 'qint8, affine, over [-2.5, 1.25]', zh: 'qint8，仿射，范围 [-2.5, 1.25]' },
        [-2.5, 1.25, 'qint8', 'per_tensor_affine'],
        qparams(-2.5, 1.25, 'qint8', 'per_tensor_affine'),
        { ...close, mistakes: Object.values(OBSERVER) },
      ),
      hidden(
        { en: 'all positive', zh: '全为正' },
        [0.75, 6.125, 'quint8', 'per_tensor_affine'],
        qparams(0.75, 6.125, 'quint8', 'per_tensor_affine'),
        {
          ...close,
          mistakes: Object.values(OBSERVER),
          catches: { en: 'a range not widened to include 0', zh: '没有把范围扩展到包含 0' },
        },
      ),
      hidden(
        { en: 'all negative', zh: '全为负' },
        [-6.5, -0.5, 'qint8', 'per_tensor_affine'],
        qparams(-6.5, -0.5, 'qint8', 'per_tensor_affine'),
        {
          ...close,
          mistakes: Object.values(OBSERVER),
          catches: { en: 'a range not widened to include 0', zh: '没有把范围扩展到包含 0' },
        },
      ),
      hidden(
        { en: 'all zeros', zh: '全为零' },
        [0, 0, 'quint8', 'per_tensor_affine'],
        qparams(0, 0, 'quint8', 'per_tensor_affine'),
        {
          ...close,
          mistakes: Object.values(OBSERVER),
          catches: { en: 'an empty range left with scale 0', zh: '空范围的缩放因子成了 0' },
        },
      ),
      hidden(
        { en: 'a zero point exactly halfway', zh: '零点恰在两整数正中' },
        [-0.0546875, 3.9296875, 'quint8', 'per_tensor_affine'],
        qparams(-0.0546875, 3.9296875, 'quint8', 'per_tensor_affine'),
        {
          ...close,
          mistakes: Object.values(OBSERVER),
          catches: { en: 'a tie rounded up instead of to even', zh: '平局向上舍入而不是取偶' },
        },
      ),
      hidden(
        { en: 'qint8, symmetric', zh: 'qint8，对称' },
        [-2, 1.5, 'qint8', 'per_tensor_symmetric'],
        qparams(-2, 1.5, 'qint8', 'per_tensor_symmetric'),
        {
          ...close,
          mistakes: Object.values(OBSERVER),
          catches: { en: 'a symmetric scale over 127 steps instead of 127.5', zh: '对称缩放因子除以 127 而不是 127.5' },
        },
      ),
      hidden(
        { en: 'quint8, symmetric', zh: 'quint8，对称' },
        [-1, 3, 'quint8', 'per_tensor_symmetric'],
        qparams(-1, 3, 'quint8', 'per_tensor_symmetric'),
        {
          ...close,
          mistakes: Object.values(OBSERVER),
          catches: { en: 'a symmetric quint8 grid with 0.0 at code 0', zh: '对称 quint8 网格把 0.0 放在了码 0' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q2',
    title: { en: "What torch's fake quantizer returns", zh: 'torch 的伪量化器输出什么' },
    prompt: {
      en: [
        "What `torch.fake_quantize_per_tensor_affine(values, scale, zeroPoint, qmin, qmax)` returns: each value replaced by the nearest point of the grid (q − zeroPoint)·scale, q an integer in [qmin, qmax]. Values beyond the grid's ends become its end points; a value halfway between two grid points goes to the one with the even q.",
        '',
        '    fakeQuantForward([0.12, 9], 0.25, 0, -8, 7)   // [0, 1.75]',
      ].join('\n'),
      zh: [
        '`torch.fake_quantize_per_tensor_affine(values, scale, zeroPoint, qmin, qmax)` 的返回值：每个值换成网格 (q − zeroPoint)·scale 上最近的点，q 为 [qmin, qmax] 内的整数。超出网格两端的值变成端点；恰在两个网格点正中的值取 q 为偶数的那一个。',
      ].join('\n'),
    },
    file: 'lesson2/index.ts',
    export: 'fakeQuantForward',
    minutes: 10,
    uses: PLAIN,
    cases: [
      shown(
        { en: 'int8, scale 0.05', zh: 'int8，缩放因子 0.05' },
        [xs, 0.05, 0, -128, 127],
        fq(xs, 0.05, 0, -128, 127),
        { ...close, mistakes: [FAKE_QUANT.noClip, FAKE_QUANT.clipWithoutZeroPoint, FAKE_QUANT.roundUp] },
      ),
      hidden(
        { en: 'uint8 with zero point 10: clipping at both ends', zh: 'uint8，零点 10：两端截断' },
        [xs, 0.02, 10, 0, 255],
        fq(xs, 0.02, 10, 0, 255),
        {
          ...close,
          mistakes: [FAKE_QUANT.noClip, FAKE_QUANT.clipWithoutZeroPoint, FAKE_QUANT.roundUp],
          catches: { en: 'clipping that ignores the zero point, or none', zh: '截断时忽略了零点，或根本没有截断' },
        },
      ),
      hidden('int4', [xs, 0.5, 0, -8, 7], fq(xs, 0.5, 0, -8, 7), {
        ...close,
        mistakes: [FAKE_QUANT.noClip, FAKE_QUANT.clipWithoutZeroPoint, FAKE_QUANT.roundUp],
      }),
      hidden(
        { en: 'ties', zh: '平局' },
        [[0.25, 0.75, -0.25, 1.25], 0.5, 0, -8, 7],
        fq([0.25, 0.75, -0.25, 1.25], 0.5, 0, -8, 7),
        {
          ...close,
          mistakes: [FAKE_QUANT.noClip, FAKE_QUANT.clipWithoutZeroPoint, FAKE_QUANT.roundUp],
          catches: { en: 'a tie rounded up instead of to even', zh: '平局向上舍入而不是取偶' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q3',
    title: { en: "The gradient torch's fake quantizer passes back", zh: 'torch 的伪量化器回传的梯度' },
    prompt: {
      en: [
        "The gradient that torch's fake quantizer passes back, d(output)/d(value), for each value (the straight-through estimator of `torch.fake_quantize_per_tensor_affine`'s backward): rounding counts as the identity, and a value the quantizer clipped gets no gradient. Mind the edge: a value a little beyond the grid's last point that rounds onto it was not clipped.",
        '',
        '    steMask([0.12, 9], 0.25, 0, -8, 7)   // [1, 0]',
      ].join('\n'),
      zh: [
        'torch 伪量化器对每个值回传的梯度 d(output)/d(value)（`torch.fake_quantize_per_tensor_affine` 反向传播用的直通估计器）： 舍入当作恒等映射，被截断的值没有梯度。注意边界：略超出网格最后一个点、但舍入后正好落在该点上的值，并没有被截断。',
      ].join('\n'),
    },
    file: 'lesson2/index.ts',
    export: 'steMask',
    minutes: 8,
    uses: PLAIN,
    cases: [
      shown(
        { en: 'uint8 with zero point 10', zh: 'uint8，零点 10' },
        [xs, 0.02, 10, 0, 255],
        mask(xs, 0.02, 10, 0, 255),
        { ...exact, mistakes: [FAKE_QUANT.allPass, FAKE_QUANT.maskByValue] },
      ),
      hidden('int4', [xs, 0.5, 0, -8, 7], mask(xs, 0.5, 0, -8, 7), {
        ...exact,
        mistakes: [FAKE_QUANT.allPass, FAKE_QUANT.maskByValue],
      }),
      hidden(
        { en: 'just beyond the last grid point', zh: '刚超出网格最后一个点' },
        [[3.6, 3.74, 3.76, -4.2, -4.26], 0.5, 0, -8, 7],
        mask([3.6, 3.74, 3.76, -4.2, -4.26], 0.5, 0, -8, 7),
        {
          ...exact,
          mistakes: [FAKE_QUANT.allPass, FAKE_QUANT.maskByValue],
          catches: {
            en: 'a mask taken from the value instead of its rounded code',
            zh: '掩码依据原值而不是舍入后的码',
          },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q4',
    title: { en: 'The smallest step sure to change a stored weight', zh: '一定能改变所存权重的最小步长' },
    prompt: {
      en: [
        "A weight `w` is stored in `format` ('float16', 'bfloat16' or 'float32'; `w` is a value of that format) and an optimizer adds a step s to it, the sum rounded to the format (to nearest, ties to even). Return the threshold t: every step with |s| > t changes the stored weight, whichever its sign, and for any smaller t some step above it would not. This is what float32 master weights protect: smaller steps vanish. Your answer must hold for every weight of the format: zero, subnormals, powers of two, negative weights and the largest finite value (where a big enough step gives infinity, which is a change too).",
        '',
        "    stepThatSurvives(1.5, 'float16')   // 2^-11: float16 values between 1 and 2 lie 2^-10 apart",
      ].join('\n'),
      zh: [
        "权重 `w` 以 `format`（'float16'、'bfloat16' 或 'float32'；`w` 是该格式中的值）存储，优化器给它加上步长 s， 结果舍入回该格式（就近舍入，平局取偶）。返回阈值 t：任何 |s| > t 的步长（无论正负）都会改变所存的权重， 而对任何更小的 t，总有大于它的步长改变不了权重。这正是 float32 主权重要保护的：更小的步长会消失。 答案必须对该格式的每个权重成立：零、次正规数、2 的幂、负权重，以及最大有限值（足够大的步长得到无穷大，这也算改变）。",
      ].join('\n'),
    },
    file: 'lesson2/index.ts',
    export: 'stepThatSurvives',
    minutes: 20,
    uses: { library: ['formats/registry'] },
    cases: [
      shown({ en: '1.5 in float16', zh: 'float16 中的 1.5' }, [1.5, 'float16'], survivingStep(1.5, 'float16'), {
        ...close,
        mistakes: Object.values(STEP),
      }),
      shown({ en: '3 in bfloat16', zh: 'bfloat16 中的 3' }, [3, 'bfloat16'], survivingStep(3, 'bfloat16'), {
        ...close,
        mistakes: Object.values(STEP),
      }),
      hidden({ en: 'a power of two', zh: '2 的幂' }, [1, 'float16'], survivingStep(1, 'float16'), {
        ...close,
        mistakes: Object.values(STEP),
        catches: {
          en: 'half the gap below a power of two instead of the gap above',
          zh: '在 2 的幂处用了下方间隔而不是上方间隔',
        },
      }),
      hidden({ en: 'inside a binade', zh: '同一指数区间内部' }, [1.75, 'bfloat16'], survivingStep(1.75, 'bfloat16'), {
        ...close,
        mistakes: Object.values(STEP),
        catches: { en: 'a gap that grows with w inside a binade', zh: '在同一指数区间内让间隔随 w 增大' },
      }),
      hidden({ en: 'a negative weight', zh: '负权重' }, [-0.3125, 'float16'], survivingStep(-0.3125, 'float16'), {
        ...close,
        mistakes: Object.values(STEP),
        catches: { en: 'a negative weight whose sign leaks into the step', zh: '负权重的符号带进了步长' },
      }),
      hidden({ en: 'zero', zh: '零' }, [0, 'float16'], survivingStep(0, 'float16'), {
        ...close,
        mistakes: Object.values(STEP),
        catches: { en: 'gaps that keep shrinking below the smallest normal value', zh: '低于最小正规数后间隔仍在缩小' },
      }),
      hidden({ en: 'a subnormal', zh: '次正规数' }, [3 * 2 ** -24, 'float16'], survivingStep(3 * 2 ** -24, 'float16'), {
        ...close,
        mistakes: Object.values(STEP),
        catches: { en: 'gaps that keep shrinking below the smallest normal value', zh: '低于最小正规数后间隔仍在缩小' },
      }),
      hidden({ en: 'a float32 weight of 1', zh: 'float32 权重 1' }, [1, 'float32'], survivingStep(1, 'float32'), {
        ...close,
        mistakes: Object.values(STEP),
      }),
      hidden({ en: 'the largest float16', zh: '最大的 float16' }, [65504, 'float16'], survivingStep(65504, 'float16'), {
        ...close,
        mistakes: Object.values(STEP),
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l2.q5',
    title: {
      en: 'Rescale the hidden channels so that static int8 works (open)',
      zh: '重新缩放隐藏通道，让静态 int8 量化可用（开放题）',
    },
    prompt: {
      en: [
        "This network's hidden channels have very different ranges, so its static int8 version (int8 weights with a scale per output channel, one uint8 scale per activation tensor, ranges from min/max over `calibration`) is poor. Return one factor f_c > 0 per hidden channel. The grader multiplies hidden channel c by f_c (kernel1's column c and bias1[c]) and divides kernel2's row c by f_c, which leaves the float network's outputs unchanged, since relu(f·z) = f·relu(z) for f > 0; then it quantizes the result that way and measures the int8 network's signal-to-quantization-noise ratio on inputs you do not see: 10·log10(Σ y² / Σ (ŷ − y)²) dB.",
        'Full points from 30 dB, half from 20 dB; the network as given scores about 15 dB. A hidden case runs your function on another network of the same kind.',
        '',
        '    equalizeChannels(net)   // e.g. [0.5, 4, …]: one positive factor per hidden channel',
      ].join('\n'),
      zh: [
        '这个网络的各隐藏通道取值范围相差悬殊，所以它的静态 int8 版本（int8 权重、每个输出通道一个缩放因子，每个激活张量一个 uint8 缩放因子，范围取 `calibration` 上的最小/最大值）很差。请为每个隐藏通道返回一个因子 f_c > 0。评分程序把隐藏通道 c 乘以 f_c（kernel1 的第 c 列和 bias1[c]），再把 kernel2 的第 c 行除以 f_c；由于 f > 0 时 relu(f·z) = f·relu(z)，浮点网络的输出不变。然后按上述方式量化，在你看不到的输入上测量 int8 网络的信号量化噪声比：10·log10(Σ y² / Σ (ŷ − y)²) dB。',
        '30 dB 起得满分，20 dB 起得一半分；原网络约为 15 dB。一个隐藏用例会在另一个同类网络上运行你的函数。',
      ].join('\n'),
    },
    file: 'lesson2/index.ts',
    export: 'equalizeChannels',
    minutes: 25,
    uses: PLAIN,
    cases: [
      judged(
        { en: "the skewed network: its static int8 version's SQNR", zh: '偏斜网络：其静态 int8 版本的信号量化噪声比' },
        [netOf(equalizationTask(0))],
        judgedBy('equalizedSqnr', { seed: 0, full: 30, half: 20 }),
        { points: 3 },
      ),
      hidden({ en: 'another skewed network', zh: '另一个偏斜网络' }, [netOf(equalizationTask(1))], undefined, {
        points: 3,
        judge: judgedBy('equalizedSqnr', { seed: 1, full: 30, half: 20 }),
        catches: {
          en: 'factors fitted to one network rather than computed from its weights',
          zh: '因子是针对某一个网络凑出来的，而不是根据权重算出来的',
        },
      }),
    ],
  },
  {
    kind: 'choice',
    id: 'l2.c1',
    title: {
      en: 'Why mixed_bfloat16 keeps float32 master weights: a weight of 3.0 stored in bfloat16 takes an SGD step of −0.004. What does bfloat16 store after the step?',
      zh: '为什么 mixed_bfloat16 要保留 float32 主权重：一个以 bfloat16 存储、值为 3.0 的权重做了一步 −0.004 的 SGD 更新，更新后 bfloat16 存下的是多少？',
    },
    points: 2,
    minutes: 4,
    choices: ['2.996', '2.99609375', '3.0', '2.984375'],
    answer: 'c',
  },
  {
    kind: 'choice',
    id: 'l2.c2',
    title: {
      en: "Why autocast keeps softmax's output in float32: what does a probability of 1e-6 become in float16?",
      zh: '为什么 autocast 让 softmax 的输出保持 float32：概率 1e-6 存成 float16 后变成什么？',
    },
    points: 2,
    minutes: 4,
    choices: [
      { en: 'infinity: the exp inside the softmax overflows', zh: '无穷大：softmax 内部的 exp 上溢了' },
      { en: "0: it lies below float16's smallest normal value", zh: '0：它低于 float16 的最小正规数' },
      {
        en: 'a subnormal about 1.3% away from 1e-6 (a whole number of steps of 2⁻²⁴)',
        zh: '一个与 1e-6 相差约 1.3% 的次正规数（2⁻²⁴ 的整数倍）',
      },
      {
        en: "1e-6 to float16's usual relative precision, 2⁻¹¹ or better",
        zh: '1e-6，保持 float16 通常的相对精度（2⁻¹¹ 以内）',
      },
    ],
    answer: 'c',
  },
  {
    kind: 'choice',
    id: 'l2.c3',
    title: {
      en: 'Which model does dynamic quantization suit best?',
      zh: '动态量化最适合下面哪个模型？',
    },
    points: 2,
    minutes: 3,
    choices: [
      {
        en: 'an image CNN served in batches of 256, its time spent in convolutions on large activations',
        zh: '一个每批 256 张图像推理的 CNN，时间花在大激活上的卷积运算',
      },
      {
        en: 'an LSTM language model answering one request at a time (batch 1)',
        zh: '一个每次只处理一个请求（batch 1）的 LSTM 语言模型',
      },
      {
        en: 'a model still in training, whose quantization ranges should follow the gradients',
        zh: '一个仍在训练、量化范围应随梯度调整的模型',
      },
      {
        en: 'a model whose activations must stay in int8 from one layer to the next',
        zh: '一个激活值必须在层与层之间一直保持 int8 的模型',
      },
    ],
    answer: 'b',
  },
  {
    kind: 'numeric',
    id: 'l2.c4',
    title: {
      en: "A softmax over n equally likely classes: from how many classes n on does 1/n fall below float16's smallest normal value?",
      zh: 'n 个类别概率相等的 softmax：类别数 n 从多少起，1/n 会低于 float16 的最小正规数？',
    },
    points: 2,
    minutes: 4,
    answer: 2 ** 14 + 1,
  },
];

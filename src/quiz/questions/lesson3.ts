import { castStats, roundValue, sumInFormat } from '../../mp/index';
import { judgedBy, PROBES } from '../judges';
import { hidden, judged, mistake, shown, type CaseOptions, type CodeCase, type Question, type Uses } from '../question';
import type { Text } from '../text';

const bits = { compare: { kind: 'bits' } } as const;
const exact = { compare: { kind: 'exact' } } as const;
/** Questions that may round with the library, but not count or sum with it. */
const ROUNDING: Uses = { library: ['formats', 'ops'], packages: ['@tensorflow/tfjs'] };
const f16 = (x: number): number => roundValue(x, 'float16');

const loss = (values: number[]) => {
  const s = castStats(Float32Array.from(values), 'float16');
  return { overflow: s.overflow, underflow: s.underflow };
};

// l3.q3: Kahan's sum in float16 is the library's, bit for bit (the same recurrence, every operation rounded)
const kahan = (values: number[]): number => sumInFormat(values, 'float16', { method: 'kahan' });
const many = (n: number, v: number): number[] => [1, ...new Array<number>(n).fill(v)];

/** What one wrong step changes in rounding to float16. */
interface Change {
  readonly tiesAway?: boolean;
  readonly saturate?: boolean;
  readonly overflowAbove?: number;
  readonly flush?: boolean;
  readonly normalSpacing?: boolean;
  readonly plusZero?: boolean;
}

/** Rounding to float16 by hand, as the lesson teaches it, with the one step `change` gets wrong. */
function f16With(x: number, change: Change): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  const quantum = 2 ** ((change.normalSpacing ? e : Math.max(e, -14)) - 10);
  const t = a / quantum;
  const r = Math.round(t);
  let y = (!change.tiesAway && r - t === 0.5 && r % 2 !== 0 ? r - 1 : r) * quantum;
  if (y > 65504 || a > (change.overflowAbove ?? Infinity)) y = change.saturate ? 65504 : Infinity;
  if (change.flush && y < 2 ** -14) y = 0;
  const signed = Math.sign(x) * y;
  return change.plusZero && signed === 0 ? 0 : signed;
}

const ROUND_MISTAKES = [
  mistake((x: number) => x, {
    en: 'the value came back unrounded: the result must be a float16 value, the nearest one to x.',
    zh: '返回的值没有舍入：结果必须是一个 float16 值，即离 x 最近的那个。',
  }),
  mistake((x: number) => f16With(x, { tiesAway: true }), {
    en: 'a tie went away from zero: halfway between two float16 values, round to the one whose last bit is 0 (ties to even).',
    zh: '平局时远离零舍入了：落在两个 float16 值正中间时，要舍入到最后一位为 0 的那个（平局取偶）。',
  }),
  mistake((x: number) => f16With(x, { saturate: true }), {
    en: 'clamped to 65504: IEEE rounding does not saturate; from 65520 up (halfway to 2^16), float16 rounds to infinity.',
    zh: '截断到了 65504：IEEE 舍入不做饱和处理；从 65520（到 2^16 的中点）起，float16 舍入为无穷大。',
  }),
  mistake((x: number) => f16With(x, { overflowAbove: 65504 }), {
    en: 'infinity too early: values below 65520 still round down to 65504; only from 65520, halfway to 2^16, does float16 overflow.',
    zh: '过早变成了无穷大：小于 65520 的值仍会向下舍入到 65504；只有从 65520（到 2^16 的中点）起才上溢。',
  }),
  mistake((x: number) => f16With(x, { flush: true }), {
    en: 'subnormals flushed to zero: below 2^-14, float16 keeps a spacing of 2^-24 down to 2^-24 (gradual underflow).',
    zh: '次正规数被清零了：在 2^-14 以下，float16 仍以 2^-24 为间距，一直到 2^-24（渐进下溢）。',
  }),
  mistake((x: number) => f16With(x, { normalSpacing: true }), {
    en: "the normal numbers' spacing used below 2^-14, where it stays 2^-24: round to a multiple of 2^-24 there.",
    zh: '在 2^-14 以下仍用正规数的间距，而那里的间距固定为 2^-24：要舍入到 2^-24 的整数倍。',
  }),
  mistake((x: number) => f16With(x, { plusZero: true }), {
    en: '+0 for a negative value that underflows: it keeps its sign, −0.',
    zh: '负数下溢后返回了 +0：它应保留符号，得到 −0。',
  }),
];

const count = (values: number[], test: (v: number) => boolean): number => values.filter(test).length;
const LOSS_MISTAKES = [
  mistake((v: number[]) => ({ underflow: count(v, (x) => f16(x) === 0) / v.length }), {
    en: 'zero counted as underflow: only non-zero values that become 0 underflow.',
    zh: '把 0 也算成了下溢：只有非零值变成 0 才算下溢。',
  }),
  mistake((v: number[]) => ({ underflow: count(v, (x) => x !== 0 && Math.abs(f16(x)) < 2 ** -14) / v.length }), {
    en: 'subnormal results counted as underflow: a value underflows only when it becomes 0; a subnormal still holds it, with fewer bits.',
    zh: '把次正规数结果也算成了下溢：只有变成 0 才算下溢；次正规数仍保存着它，只是位数更少。',
  }),
  mistake((v: number[]) => ({ underflow: count(v, (x) => x !== 0 && Math.abs(x) < 2 ** -24) / v.length }), {
    en: 'a threshold instead of the rounding: values between 2^-25 and 2^-24 round up to 2^-24, they do not underflow.',
    zh: '用阈值代替舍入：介于 2^-25 和 2^-24 之间的值会向上舍入到 2^-24，并没有下溢。',
  }),
  mistake((v: number[]) => ({ overflow: count(v, (x) => Math.abs(x) > 65504) / v.length }), {
    en: 'everything above 65504 counted as overflow: up to 65520 a value rounds down to 65504.',
    zh: '把所有大于 65504 的值都算作上溢：65520 以下的值会向下舍入到 65504。',
  }),
  mistake(
    (v: number[]) => ({
      overflow: count(v, (x) => !Number.isFinite(f16(x))),
      underflow: count(v, (x) => x !== 0 && f16(x) === 0),
    }),
    { en: 'counts, not fractions: divide by the number of values.', zh: '返回的是个数而不是比例：要除以值的总数。' },
  ),
];

/** Kahan's sum in float16 with every operation rounded, or with the compensation left unrounded. */
function kahanWith(values: number[], roundCompensation: boolean): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const y = f16(f16(v) - c);
    const t = f16(sum + y);
    c = roundCompensation ? f16(f16(t - sum) - y) : t - sum - y;
    sum = t;
  }
  return sum;
}
const SUM_MISTAKES = [
  mistake((v: number[]) => v.reduce((s, x) => f16(s + f16(x)), 0), {
    en: 'this is the naive float16 sum: each small value is below half an ulp of the running sum and is lost; Kahan keeps what each addition dropped and adds it back.',
    zh: '这是朴素的 float16 求和：每个小值都小于当前和的半个末位单位，被吞掉了；Kahan 求和会记下每次加法丢掉的部分并补回去。',
  }),
  mistake((v: number[]) => kahanWith(v, false), {
    en: 'the compensation was kept unrounded: in float16 arithmetic (t − sum) − y is rounded too, at each operation.',
    zh: '补偿量没有舍入：在 float16 运算中，(t − sum) − y 的每一步也都要舍入。',
  }),
];

/** The share of lost updates with one wrong step: zeros counted, the weight unrounded, or a threshold on the gap. */
function lostWith(
  weights: number[],
  updates: number[],
  format: string,
  change: { zeros?: boolean; unrounded?: boolean; gap?: 'ties lost' | 'ties kept' },
): number {
  const manBits = format === 'float16' ? 10 : 7;
  let lostCount = 0;
  let counted = 0;
  weights.forEach((weight, i) => {
    const u = updates[i]!;
    if (u === 0 && !change.zeros) return;
    counted++;
    if (u === 0) return;
    const w = change.unrounded ? weight : roundValue(weight, format);
    const halfGap = 2 ** (Math.floor(Math.log2(Math.abs(w))) - manBits - 1);
    const lostHere =
      change.gap === 'ties lost'
        ? Math.abs(u) <= halfGap
        : change.gap === 'ties kept'
          ? Math.abs(u) < halfGap
          : roundValue(Math.fround(w + u), format) === w;
    if (lostHere) lostCount++;
  });
  return counted === 0 ? 0 : lostCount / counted;
}
const LOST_MISTAKES = [
  mistake((w: number[], u: number[]) => lost(w, u, 'bfloat16'), {
    en: 'bfloat16 used whatever the format: store the weights in the format given.',
    zh: '不管给定什么格式都用了 bfloat16：权重要按给定的格式存储。',
  }),
  mistake((w: number[], u: number[], f: string) => lostWith(w, u, f, { zeros: true }), {
    en: 'updates of 0 counted: the share is over the non-zero updates.',
    zh: '把为 0 的更新也计入了：比例只对非零更新计算。',
  }),
  mistake((w: number[], u: number[], f: string) => lostWith(w, u, f, { unrounded: true }), {
    en: 'the weight used as given: it is stored in the format first, and the update is added to what was stored.',
    zh: '直接用了给定的权重：权重要先存成该格式，更新加在存下来的值上。',
  }),
  mistake((w: number[], u: number[], f: string) => lostWith(w, u, f, { gap: 'ties lost' }), {
    en: 'a threshold of half the gap above the weight: below a power of two the gap is half as wide, and a tie goes to the even neighbour. Round the sum instead.',
    zh: '用权重上方间距的一半作阈值：在 2 的幂下方间距只有一半，平局还要舍向偶数邻居。应当直接对和做舍入。',
  }),
  mistake((w: number[], u: number[], f: string) => lostWith(w, u, f, { gap: 'ties kept' }), {
    en: 'a threshold of half the gap above the weight: below a power of two the gap is half as wide, and a tie goes to the even neighbour. Round the sum instead.',
    zh: '用权重上方间距的一半作阈值：在 2 的幂下方间距只有一半，平局还要舍向偶数邻居。应当直接对和做舍入。',
  }),
];

/** The smallest power-of-two scale that keeps the share under budget, with its overflow left unchecked. */
function scaleOverflowUnchecked(gradients: number[], budget: number): number | null {
  const nonZero = gradients.filter((g) => g !== 0);
  for (let k = -64; k <= 64; k++)
    if (count(nonZero, (g) => f16(g * 2 ** k) === 0) / nonZero.length < budget) return 2 ** k;
  return null;
}
const largestSafeScale = (gradients: number[]): number | null => {
  for (let k = 64; k >= -64; k--) if (gradients.every((g) => Number.isFinite(f16(g * 2 ** k)))) return 2 ** k;
  return null;
};
/** The wrong answers l3.q5's one matched case (no scale works) tells apart; its judged cases grade the rest. */
const SCALE_MISTAKES = [
  mistake(scaleOverflowUnchecked, {
    en: 'overflow not checked at the scale found: a larger scale only overflows more, so there is no answer then (null).',
    zh: '没有检查找到的缩放因子是否导致上溢：更大的缩放因子只会上溢得更多，这时没有答案（null）。',
  }),
  mistake(largestSafeScale, {
    en: 'the largest scale without overflow: the task asks for the smallest that rescues enough gradients (it leaves the most headroom).',
    zh: '返回了不上溢的最大缩放因子：题目要的是能救回足够多梯度的最小缩放因子（它留出的余量最大）。',
  }),
];
/** The smallest power of two the probe confirms, or null: what no judge can grade (a null answer). */
const smallestConfirmed = (gradients: number[], budget: number): number | null =>
  Array.from({ length: 129 }, (_, i) => 2 ** (i - 64)).find((scale) =>
    PROBES.scaleKeepsShare(scale, { values: gradients, format: 'float16', budget }),
  ) ?? null;

// l3.q4: the share of non-zero updates a stored weight loses (round to nearest even, added in float32)
function lost(weights: number[], updates: number[], format: string): number {
  const moved = weights.map((w, i) => {
    const stored = roundValue(w, format);
    return updates[i] === 0 ? null : roundValue(Math.fround(stored + updates[i]!), format) === stored;
  });
  const counted = moved.filter((m) => m !== null);
  return counted.length === 0 ? 0 : counted.filter(Boolean).length / counted.length;
}

/**
 * l3.q5 is an open task: a case is judged by what the returned scale achieves, measured by the library's cast
 * (scaleKeepsShare: fewer than `budget` of the non-zero gradients lost, none overflowing), and must be the smallest
 * power of two that does (half of it must not); a scale that works but is not the smallest earns half the points.
 */
const scaleCase = (name: Text, gradients: number[], budget: number, more: CaseOptions = {}): CodeCase =>
  judged(
    name,
    [gradients, budget],
    judgedBy('numberConfirmed', {
      lo: 2 ** -64,
      hi: 2 ** 64,
      probe: 'scaleKeepsShare',
      args: { values: gradients, format: 'float16', budget },
      smallest: 2,
    }),
    more,
  );
/** A softmax row's gradients averaged over 8192 tokens: (p − 1)/N at the label (class 5), p/N elsewhere (64 classes). */
const logits = Array.from({ length: 64 }, (_, j) => 12 * Math.sin(7.3 * j + 1.1));
const softmaxSum = logits.reduce((a, l) => a + Math.exp(l), 0);
const logitRow = logits.map((l, i) => Math.fround((Math.exp(l) / softmaxSum - (i === 5 ? 1 : 0)) / 8192));

// The concept questions' right choices (the answer is its letter)
const C2_ANSWER = {
  en: "Adam's ε and a clipping threshold are absolute numbers: scaled gradients change what they do, so the step would change.",
  zh: 'Adam 的 ε 和裁剪阈值都是绝对数值：缩放后的梯度会改变它们的作用，更新步也就变了。',
} as const;
const C3_ANSWER = {
  en: 'Updates smaller than half an ulp of a weight are rounded away, so weights stop learning when steps are small.',
  zh: '小于权重半个 ulp 的更新会被舍掉，更新步小时权重就停止学习。',
} as const;
const C4_ANSWER = {
  en: 'Its rounding is right on average, so small updates add up over many steps instead of being dropped every time.',
  zh: '它的舍入在期望上是对的，所以小更新能在多步中累积起来，而不是每次都被丢掉。',
} as const;

const caught = (en: string, zh: string) => ({ catches: { en, zh } });

export const LESSON3: Question[] = [
  {
    kind: 'code',
    id: 'l3.q1',
    title: { en: 'Round to float16 yourself', zh: '自己实现舍入到 float16' },
    prompt: {
      en:
        'l3.q1: the float16 value nearest to `x`, as a float16 stores it: ties go to the even neighbour, subnormals ' +
        'keep their fixed spacing, values too large become ±Infinity, and NaN and −0 stay themselves. Use arithmetic ' +
        "or bit manipulation, not the library's rounding.",
      zh:
        'l3.q1：返回离 `x` 最近的 float16 值，与 float16 的存储方式一致：平局舍向偶数邻居，次正规数保持固定间距，' +
        '过大的值变成 ±Infinity，NaN 和 −0 保持不变。请用算术或位操作实现，不要用库里的舍入函数。',
    },
    minutes: 25,
    file: 'lesson3/index.ts',
    export: 'roundToFloat16',
    uses: { library: ['formats/registry'] }, // rounding by hand
    cases: [
      shown({ en: 'a third', zh: '三分之一' }, [Math.fround(1 / 3)], f16(1 / 3), { ...bits, mistakes: ROUND_MISTAKES }),
      shown({ en: 'a tie rounds to even', zh: '平局舍向偶数' }, [2049], f16(2049), {
        ...bits,
        mistakes: ROUND_MISTAKES,
      }),
      shown({ en: 'overflow', zh: '上溢' }, [65520], f16(65520), {
        ...bits,
        mistakes: ROUND_MISTAKES,
      }),
      hidden({ en: 'a negative tie between odd neighbours', zh: '奇数邻居之间的负数平局' }, [-2051], f16(-2051), {
        ...bits,
        mistakes: ROUND_MISTAKES,
        ...caught('a negative tie that does not go to the even neighbour', '负数平局没有舍向偶数邻居'),
      }),
      hidden({ en: 'just below the overflow midpoint', zh: '略低于上溢中点' }, [65519], f16(65519), {
        ...bits,
        mistakes: ROUND_MISTAKES,
        ...caught(
          'overflow from just above 65504 instead of from the midpoint to the next step',
          '一超过 65504 就上溢，而不是从到下一个台阶的中点开始',
        ),
      }),
      hidden({ en: 'a subnormal', zh: '次正规数' }, [Math.fround(1e-6)], f16(1e-6), {
        ...bits,
        mistakes: ROUND_MISTAKES,
        ...caught(
          "the normal numbers' spacing used below 2^-14, where it stays 2^-24",
          '在 2^-14 以下仍用正规数的间距，而那里的间距固定为 2^-24',
        ),
      }),
      hidden(
        { en: 'between half the smallest subnormal and it', zh: '介于最小次正规数的一半和它之间' },
        [3e-8],
        f16(3e-8),
        {
          ...bits,
          mistakes: ROUND_MISTAKES,
          ...caught('every value below the smallest subnormal flushed to 0', '把所有小于最小次正规数的值都清零'),
        },
      ),
      hidden(
        { en: 'half the smallest subnormal, a tie', zh: '最小次正规数的一半（平局）' },
        [2 ** -25],
        f16(2 ** -25),
        {
          ...bits,
          mistakes: ROUND_MISTAKES,
          ...caught(
            'the tie at 2^-25 rounded up to 2^-24 instead of to the even neighbour, 0',
            '2^-25 处的平局被向上舍入到 2^-24，而不是舍向偶数邻居 0',
          ),
        },
      ),
      hidden({ en: 'underflow of a negative value', zh: '负数下溢' }, [-1e-9], f16(-1e-9), {
        ...bits,
        mistakes: ROUND_MISTAKES,
        ...caught('a negative value that underflows loses its sign (it becomes −0)', '负数下溢后丢了符号（应为 −0）'),
      }),
      hidden('NaN', [NaN], NaN, { ...bits, catches: { en: 'NaN not passed through', zh: 'NaN 没有原样返回' } }),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q2',
    title: { en: 'Count overflow and underflow', zh: '统计上溢和下溢' },
    prompt: {
      en:
        'l3.q2: the fractions of the finite `values` that overflow (become ±Infinity) and that underflow (are ' +
        "non-zero and become 0) when cast to float16. You may round with the library's `roundValue`.",
      zh:
        'l3.q2：有限值 `values` 转换成 float16 时，上溢（变成 ±Infinity）和下溢（非零且变成 0）的比例。' +
        '可以用库里的 `roundValue` 舍入。',
    },
    minutes: 8,
    file: 'lesson3/index.ts',
    export: 'castLoss',
    uses: ROUNDING,
    cases: [
      shown({ en: 'a mixed bag', zh: '各种值混在一起' }, [[1e5, 1, 1e-9, 0.5]], loss([1e5, 1, 1e-9, 0.5]), {
        ...exact,
        mistakes: LOSS_MISTAKES,
      }),
      hidden(
        { en: 'between 65504 and the overflow midpoint', zh: '介于 65504 和上溢中点之间' },
        [[65510, 65519.5, 65520, -70000]],
        loss([65510, 65519.5, 65520, -70000]),
        {
          ...exact,
          mistakes: LOSS_MISTAKES,
          ...caught('everything above 65504 counted as overflow', '把所有大于 65504 的值都算作上溢'),
        },
      ),
      hidden({ en: 'zeros are not underflow', zh: '零不算下溢' }, [[0, -0, 1e-9, 1]], loss([0, -0, 1e-9, 1]), {
        ...exact,
        mistakes: LOSS_MISTAKES,
        ...caught('zeros counted as underflow', '把零算作下溢'),
      }),
      hidden(
        { en: 'around the smallest subnormal', zh: '最小次正规数附近' },
        [[2 ** -25, 3e-8, 2 ** -24, 1e-5]],
        loss([2 ** -25, 3e-8, 2 ** -24, 1e-5]),
        {
          ...exact,
          mistakes: LOSS_MISTAKES,
          ...caught(
            'a threshold instead of the rounding (values below 2^-24, or subnormals, counted as underflow)',
            '用阈值代替舍入（把小于 2^-24 的值或次正规数算作下溢）',
          ),
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q3',
    title: { en: 'Kahan summation in float16', zh: 'float16 中的 Kahan 求和' },
    prompt: {
      en:
        "l3.q3: sum `values` in float16 with Kahan's compensated summation: every addition and subtraction is " +
        "rounded to float16 (roundValue(…, 'float16')). Return the float16 sum.",
      zh:
        'l3.q3：用 Kahan 补偿求和在 float16 中对 `values` 求和：每次加法和减法都舍入到 float16' +
        "（roundValue(…, 'float16')）。返回 float16 的和。",
    },
    minutes: 10,
    file: 'lesson3/index.ts',
    export: 'kahanSumFloat16',
    uses: ROUNDING,
    cases: [
      shown({ en: '1 plus 1000 × 0.0001', zh: '1 加上 1000 个 0.0001' }, [many(1000, 1e-4)], kahan(many(1000, 1e-4)), {
        ...bits,
        mistakes: SUM_MISTAKES,
      }),
      hidden({ en: '1 plus many small terms', zh: '1 加上许多小项' }, [many(3000, 3e-4)], kahan(many(3000, 3e-4)), {
        ...bits,
        mistakes: SUM_MISTAKES,
        ...caught('a naive sum, without compensation', '朴素求和，没有补偿'),
      }),
      hidden(
        { en: 'three terms that cancel', zh: '相互抵消的三项' },
        [[0.10113525390625, 0.1527099609375, -0.302001953125]],
        kahan([0.10113525390625, 0.1527099609375, -0.302001953125]),
        {
          ...bits,
          mistakes: SUM_MISTAKES,
          ...caught('a compensation or corrected term left unrounded', '补偿量或修正后的项没有舍入'),
        },
      ),
      hidden(
        { en: 'large terms that cancel', zh: '相互抵消的大项' },
        [[13.40625, -0.02264404296875, -3986, -78.625, 3092]],
        kahan([13.40625, -0.02264404296875, -3986, -78.625, 3092]),
        {
          ...bits,
          mistakes: SUM_MISTAKES,
          ...caught('a compensation or corrected term left unrounded', '补偿量或修正后的项没有舍入'),
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q4',
    title: { en: 'Updates that weights stored in 16 bits lose', zh: '16 位权重丢掉的更新' },
    prompt: {
      en:
        'l3.q4: the fraction of the non-zero `updates` that weights stored in `format` lose entirely. Each weight is ' +
        'stored in `format` (round to nearest even); the optimizer adds its update in float32 and stores the result ' +
        'in `format` again; an update is lost when the stored weight comes out unchanged. Updates of 0 do not count. ' +
        "You may round with the library's `roundValue`.",
      zh:
        'l3.q4：以 `format` 存储的权重会整个丢掉的非零 `updates` 所占的比例。每个权重以 `format` 存储（就近舍入，' +
        '平局取偶）；优化器在 float32 中加上更新，再把结果存回 `format`；存下来的权重没有变化，这次更新就丢了。' +
        '值为 0 的更新不计。可以用库里的 `roundValue` 舍入。',
    },
    minutes: 12,
    file: 'lesson3/index.ts',
    export: 'lostUpdates',
    uses: ROUNDING,
    cases: [
      shown(
        { en: 'bfloat16 weights of 1', zh: '值为 1 的 bfloat16 权重' },
        [[1, 1, 1], [1e-3, 1e-2, 0], 'bfloat16'],
        lost([1, 1, 1], [1e-3, 1e-2, 0], 'bfloat16'),
        { ...exact, mistakes: LOST_MISTAKES },
      ),
      hidden(
        { en: 'a tie from an even and from an odd weight', zh: '偶数和奇数权重上的平局' },
        [[1, 1 + 2 ** -7], [2 ** -8, 2 ** -8], 'bfloat16'],
        lost([1, 1 + 2 ** -7], [2 ** -8, 2 ** -8], 'bfloat16'),
        {
          ...exact,
          mistakes: LOST_MISTAKES,
          ...caught(
            'a tie always lost, or always kept: it goes to the even neighbour',
            '平局被一律丢掉或一律保留，而它应当舍向偶数邻居',
          ),
        },
      ),
      hidden(
        { en: 'just below a power of two', zh: '略低于 2 的幂' },
        [[1, 1], [-0.003, 0.003], 'bfloat16'],
        lost([1, 1], [-0.003, 0.003], 'bfloat16'),
        {
          ...exact,
          mistakes: LOST_MISTAKES,
          ...caught(
            'the gap above a power of two used below it, where it is half as wide',
            '在 2 的幂下方用了上方的间距，而下方的间距只有一半',
          ),
        },
      ),
      hidden(
        { en: 'zero updates', zh: '为零的更新' },
        [[1, 1, 1], [0, 0, 1e-3], 'bfloat16'],
        lost([1, 1, 1], [0, 0, 1e-3], 'bfloat16'),
        { ...exact, mistakes: LOST_MISTAKES, ...caught('updates of 0 counted', '把为 0 的更新也计入了') },
      ),
      hidden(
        { en: 'a weight the format cannot hold', zh: '格式无法精确表示的权重' },
        [[1.001], [0.003], 'bfloat16'],
        lost([1.001], [0.003], 'bfloat16'),
        {
          ...exact,
          mistakes: LOST_MISTAKES,
          ...caught(
            'the weight used as given, not as the format stores it',
            '直接用了给定的权重，而不是格式实际存下的值',
          ),
        },
      ),
      hidden(
        { en: 'float16 weights', zh: 'float16 权重' },
        [[-2, 1000, 0.5], [1e-4, 0.2, 1e-3], 'float16'],
        lost([-2, 1000, 0.5], [1e-4, 0.2, 1e-3], 'float16'),
        {
          ...exact,
          mistakes: LOST_MISTAKES,
          ...caught('bfloat16 used whatever the format', '不管给定什么格式都用了 bfloat16'),
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q5',
    title: { en: 'The smallest loss scale that rescues the gradients', zh: '能救回梯度的最小损失缩放因子' },
    prompt: {
      en:
        'l3.q5: find, by measuring, the smallest loss scale S = 2^k (k an integer from −64 to 64) at which casting ' +
        'S · g to float16 turns fewer than `budget` (a fraction) of the non-zero `gradients` into 0, and overflows ' +
        'none of them to ±Infinity. `gradients` holds at least one non-zero value. Return S, or null when no such ' +
        'scale exists. Graded by what S achieves: one that works but is not the smallest earns half the points. You may ' +
        "round with the library's `roundValue`.",
      zh:
        'l3.q5：通过测量，找出最小的损失缩放因子 S = 2^k（k 为 −64 到 64 之间的整数），使 S · g 转换成 float16 后，' +
        '非零的 `gradients` 中变成 0 的比例小于 `budget`，并且没有一个上溢成 ±Infinity。`gradients` 中至少有一个非零值。' +
        '返回 S；不存在这样的缩放因子时返回 null。按 S 实际做到的效果评分：可行但不是最小的得一半分。可以用库里的 `roundValue` 舍入。',
    },
    minutes: 15,
    file: 'lesson3/index.ts',
    export: 'smallestLossScale',
    uses: ROUNDING,
    cases: [
      scaleCase(
        {
          en: "a softmax row's gradients over 8192 tokens, 1 % budget",
          zh: '8192 个 token 上一行 softmax 的梯度，预算 1 %',
        },
        logitRow,
        0.01,
      ),
      scaleCase({ en: 'a share exactly at the budget', zh: '比例恰好等于预算' }, [2 ** -40, 1e-3, 1e-2, 0.1], 0.25, {
        hidden: true,
        ...caught(
          'a share equal to the budget accepted: it must stay below it',
          '比例等于预算也被接受了：它必须小于预算',
        ),
      }),
      scaleCase({ en: 'zeros among the gradients', zh: '梯度中有零' }, [0, 0, 0, 0, 0, 0, 2 ** -40, 1e-3], 0.4, {
        hidden: true,
        ...caught(
          'zeros counted in the share: it is over the non-zero gradients',
          '零也算进了比例：比例只对非零梯度计算',
        ),
      }),
      scaleCase(
        { en: 'gradients that round up to the smallest subnormal', zh: '会向上舍入到最小次正规数的梯度' },
        [1.5 * 2 ** -45, 1.5 * 2 ** -45, 2 ** -30],
        0.5,
        {
          hidden: true,
          ...caught(
            'a threshold instead of the rounding: values between 2^-25 and 2^-24 round up to 2^-24, they are not lost',
            '用阈值代替舍入：介于 2^-25 和 2^-24 之间的值会向上舍入到 2^-24，并没有丢',
          ),
        },
      ),
      scaleCase(
        { en: 'half the smallest subnormal, a tie', zh: '最小次正规数的一半（平局）' },
        [2 ** -45, 2 ** -45, 2 ** -30],
        0.5,
        {
          hidden: true,
          ...caught(
            'a value at exactly 2^-25 kept: the tie goes to the even neighbour, 0',
            '恰好等于 2^-25 的值被保留了：平局舍向偶数邻居，也就是 0',
          ),
        },
      ),
      hidden(
        { en: 'a range too wide for float16', zh: '超出 float16 范围的跨度' },
        [[1e-10, 60000], 0.01],
        smallestConfirmed([1e-10, 60000], 0.01),
        {
          ...exact,
          mistakes: SCALE_MISTAKES,
          ...caught('overflow not checked at the scale found', '没有检查找到的缩放因子是否导致上溢'),
        },
      ),
      scaleCase(
        {
          en: 'a scaled gradient between 65504 and the overflow midpoint',
          zh: '缩放后介于 65504 和上溢中点之间的梯度',
        },
        [65510 * 2 ** -20, 1.5 * 2 ** -45],
        0.5,
        {
          hidden: true,
          ...caught(
            'everything above 65504 counted as overflow: up to 65520 it rounds down to 65504',
            '把所有大于 65504 的值都算作上溢：65520 以下的值会向下舍入到 65504',
          ),
        },
      ),
      scaleCase({ en: 'gradients that need no scaling up', zh: '不需要放大的梯度' }, [1000, 3, 0.5], 0.01, {
        hidden: true,
        ...caught(
          'only scales of 1 or more tried, or the largest scale without overflow returned: the smallest may be below 1',
          '只尝试了不小于 1 的缩放因子，或返回了不上溢的最大缩放因子：最小的缩放因子可能小于 1',
        ),
      }),
    ],
  },
  {
    kind: 'numeric',
    id: 'l3.c1',
    title: {
      en:
        'A language model has V = 128 000 tokens and averages its loss over N = 4 096 tokens per batch; most logit ' +
        'gradients are about 1/(V·N). What is the smallest power-of-two loss scale S for which such an entry does not ' +
        'round to 0 in float16?',
      zh:
        '一个语言模型的词表有 V = 128 000 个 token，损失对每个 batch 的 N = 4 096 个 token 取平均；大多数 logit 梯度' +
        '约为 1/(V·N)。要让这样的分量在 float16 中不被舍入成 0，最小的 2 的幂损失缩放因子 S 是多少？',
    },
    minutes: 4,
    points: 2,
    answer: 16,
  },
  {
    kind: 'choice',
    id: 'l3.c2',
    title: {
      en: 'Why does a loss scaler divide the gradients by S before the optimizer step, instead of dividing the learning rate by S?',
      zh: '为什么损失缩放器要在优化器更新之前把梯度除以 S，而不是改为把学习率除以 S？',
    },
    minutes: 2,
    points: 1,
    choices: [
      C2_ANSWER,
      {
        en: 'Dividing restores the precision that float16 lost in the backward pass.',
        zh: '除一下可以恢复 float16 在反向传播中损失的精度。',
      },
      {
        en: 'Scaled gradients would underflow in the float32 master weights.',
        zh: '缩放后的梯度会在 float32 主权重中下溢。',
      },
      { en: 'Dividing the learning rate by S would underflow in float16.', zh: '把学习率除以 S 会在 float16 中下溢。' },
    ],
    answer: 'a',
  },
  {
    kind: 'choice',
    id: 'l3.c3',
    title: {
      en: "bfloat16 has float32's exponent range. Which problem remains when a model trains with its weights stored in bfloat16 (no float32 master copy)?",
      zh: 'bfloat16 的指数范围和 float32 一样。把模型的权重直接存成 bfloat16 训练（没有 float32 主副本）时，还剩下哪个问题？',
    },
    minutes: 2,
    points: 1,
    choices: [
      { en: 'Gradients underflow unless the loss is scaled.', zh: '不做损失缩放，梯度就会下溢。' },
      {
        en: "Its dynamic range is smaller than float16's, so large activations overflow.",
        zh: '它的动态范围比 float16 小，大的激活值会上溢。',
      },
      C3_ANSWER,
      {
        en: "None: with float32's range, bfloat16 weights train exactly like float32 ones.",
        zh: '没有问题：有了 float32 的范围，bfloat16 权重训练起来和 float32 完全一样。',
      },
    ],
    answer: 'c',
  },
  {
    kind: 'choice',
    id: 'l3.c4',
    title: {
      en: 'Why does stochastic rounding let weights stored in bfloat16 keep learning where round-to-nearest stalls?',
      zh: '为什么随机舍入能让存成 bfloat16 的权重在就近舍入停滞的地方继续学习？',
    },
    minutes: 2,
    points: 1,
    choices: [
      { en: 'It keeps more significant bits than round-to-nearest.', zh: '它比就近舍入保留更多有效位。' },
      C4_ANSWER,
      {
        en: 'Backpropagation corrects the random rounding errors in the next backward pass.',
        zh: '反向传播会在下一次反向传播中纠正随机舍入误差。',
      },
      {
        en: 'It rounds every update up, so no update is ever lost.',
        zh: '它把每个更新都向上舍入，所以没有更新会丢失。',
      },
    ],
    answer: 'b',
  },
];

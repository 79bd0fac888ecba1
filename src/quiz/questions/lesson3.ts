import { castStats, roundValue } from '../../mp/index';
import { hidden, mistake, shown, type Question, type Uses } from '../question';

const bits = { compare: { kind: 'bits' } } as const;
/** Questions that may round with the library, but not count or sum with it. */
const ROUNDING: Uses = { library: ['formats', 'ops'], packages: ['@tensorflow/tfjs'] };
const f16 = (x: number): number => roundValue(x, 'float16');
const loss = (values: number[]) => {
  const s = castStats(Float32Array.from(values), 'float16');
  return { overflow: s.overflow, underflow: s.underflow };
};
/** The exact sum, rounded once to float16: Kahan's sum should be within 2 ulps of it. */
const exactSum = (values: number[]): number => f16(values.reduce((s, v) => s + f16(v), 0));
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
    en: 'a tie went away from zero: halfway between two float16 values, round to the one whose last mantissa bit is 0 (ties to even).',
    zh: '正好居中时却远离零舍入了：落在两个 float16 值正中间时，要舍入到尾数最后一位为 0 的那个（向偶数舍入）。',
  }),
  mistake((x: number) => f16With(x, { saturate: true }), {
    en: 'clamped to 65504: IEEE rounding has no saturation; from 65520 up (halfway to 2^16), float16 rounds to infinity.',
    zh: '截断到了 65504：IEEE 舍入不做饱和处理；从 65520（到 2^16 的中点）开始，float16 舍入为无穷大。',
  }),
  mistake((x: number) => f16With(x, { overflowAbove: 65504 }), {
    en: 'infinity too early: values below 65520 still round down to 65504; only from 65520, halfway to 2^16, does float16 overflow.',
    zh: '过早变成了无穷大：小于 65520 的值仍会向下舍入到 65504；只有从 65520（到 2^16 的中点）开始才上溢。',
  }),
  mistake((x: number) => f16With(x, { flush: true }), {
    en: 'subnormals flushed to zero: below 2^−14, float16 keeps a spacing of 2^−24 down to 2^−24 (gradual underflow).',
    zh: '次正规数被冲刷成了 0：在 2^−14 以下，float16 仍以 2^−24 为间距，一直到 2^−24（渐进下溢）。',
  }),
  mistake((x: number) => f16With(x, { normalSpacing: true }), {
    en: 'below 2^−14 the spacing stays 2^−24: subnormals have fewer significant bits, so round to a multiple of 2^−24 there.',
    zh: '在 2^−14 以下间距固定为 2^−24：次正规数的有效位更少，那里要舍入到 2^−24 的整数倍。',
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
  mistake(
    (v: number[]) => ({
      overflow: count(v, (x) => !Number.isFinite(f16(x))),
      underflow: count(v, (x) => x !== 0 && f16(x) === 0),
    }),
    {
      en: 'counts, not fractions: divide by the number of values.',
      zh: '返回的是个数而不是比例：要除以值的总数。',
    },
  ),
];

const naiveSum = (values: number[]): number => values.reduce((s, v) => f16(s + f16(v)), 0);
const ulps2 = { kind: 'ulps', format: 'float16', ulps: 2 } as const;
const SUM_MISTAKES = [
  mistake(
    (v: number[]) => naiveSum(v),
    {
      en: 'this is the naive float16 sum: each small value is below half an ulp of the running sum and is lost; Kahan keeps what each addition dropped and adds it back.',
      zh: '这是朴素的 float16 求和：每个小值都小于当前和的半个末位单位（ulp），被吞掉了；Kahan 求和会记下每次加法丢掉的部分并补回去。',
    },
    ulps2,
  ),
];

export const LESSON3: Question[] = [
  {
    kind: 'code',
    id: 'l3.q1',
    title: { en: 'Round to float16 yourself', zh: '自己实现舍入到 float16' },
    prompt: {
      en:
        'Round a number to the nearest float16 value (ties to even), handling subnormals, overflow to ±Infinity ' +
        "(from 65520 up), NaN and −0. Use arithmetic or bit manipulation, not the library's rounding.",
      zh:
        '把一个数舍入到最近的 float16 值（向偶数舍入），要处理次正规数、上溢到 ±Infinity（从 65520 起）、NaN 和 −0。' +
        '用算术或位运算实现，不要用库里的舍入函数。',
    },
    minutes: 25,
    file: 'lesson3/index.ts',
    export: 'roundToFloat16',
    uses: { library: ['formats/registry'] }, // rounding by hand
    cases: [
      shown({ en: 'a third', zh: '三分之一' }, [Math.fround(1 / 3)], f16(1 / 3), { ...bits, mistakes: ROUND_MISTAKES }),
      shown({ en: 'a tie rounds to even', zh: '正好居中时向偶数舍入' }, [2049], f16(2049), {
        ...bits,
        mistakes: ROUND_MISTAKES,
      }),
      shown({ en: 'overflow', zh: '上溢' }, [65520], f16(65520), { ...bits, mistakes: ROUND_MISTAKES }),
      hidden({ en: 'just below overflow', zh: '刚好低于上溢阈值' }, [65519], f16(65519), {
        ...bits,
        mistakes: ROUND_MISTAKES,
        catches: {
          en: 'an overflow threshold at 65504 instead of 65520, halfway to the next power of two',
          zh: '上溢阈值取成 65504，而不是到下一个 2 的幂的中点 65520',
        },
      }),
      hidden({ en: 'a subnormal', zh: '一个次正规数' }, [Math.fround(1e-6)], f16(1e-6), {
        ...bits,
        mistakes: ROUND_MISTAKES,
        catches: {
          en: 'subnormals flushed or rounded with a normal spacing',
          zh: '次正规数被冲刷为 0，或按正规数的间距舍入',
        },
      }),
      hidden({ en: 'underflow to -0', zh: '下溢到 -0' }, [-1e-9], f16(-1e-9), {
        ...bits,
        mistakes: ROUND_MISTAKES,
        catches: { en: 'underflow that loses the sign', zh: '下溢时丢掉了符号' },
      }),
      hidden('NaN', [NaN], NaN, { ...bits, catches: { en: 'NaN not passed through', zh: 'NaN 没有原样返回' } }),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q2',
    title: { en: 'Count overflow and underflow', zh: '统计上溢和下溢' },
    prompt: {
      en: 'The fractions of `values` that overflow (become ±inf) and that underflow (non-zero, become 0) in float16.',
      zh: '求 `values` 转成 float16 时上溢（变成 ±inf）和下溢（非零值变成 0）的比例。',
    },
    minutes: 8,
    file: 'lesson3/index.ts',
    export: 'castLoss',
    uses: ROUNDING,
    cases: [
      shown({ en: 'a mixed bag', zh: '各种值混在一起' }, [[1e5, 1, 1e-9, 0.5]], loss([1e5, 1, 1e-9, 0.5]), {
        compare: { kind: 'exact' },
        mistakes: LOSS_MISTAKES,
      }),
      hidden({ en: 'gradients', zh: '梯度' }, [[1e-8, 3e-8, 1e-7, 0, -70000]], loss([1e-8, 3e-8, 1e-7, 0, -70000]), {
        compare: { kind: 'exact' },
        mistakes: LOSS_MISTAKES,
        catches: { en: 'zeros or subnormal results counted as underflow', zh: '把 0 或次正规数结果算成了下溢' },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l3.q3',
    title: { en: 'Kahan summation in float16', zh: '用 float16 做 Kahan 求和' },
    prompt: {
      en:
        "Sum `values` in float16 with Kahan's compensated summation: every addition and subtraction is rounded to " +
        "float16 (roundValue(…, 'float16')). Return the float16 sum.",
      zh:
        "用 Kahan 补偿求和在 float16 中对 `values` 求和：每次加法和减法都舍入到 float16（roundValue(…, 'float16')）。" +
        '返回 float16 的和。',
    },
    minutes: 10,
    file: 'lesson3/index.ts',
    export: 'kahanSumFloat16',
    uses: ROUNDING,
    cases: [
      shown(
        { en: '1 plus 1000 × 0.0001', zh: '1 加上 1000 个 0.0001' },
        [many(1000, 1e-4)],
        exactSum(many(1000, 1e-4)),
        { compare: ulps2, mistakes: SUM_MISTAKES },
      ),
      hidden(
        { en: '1 plus 3000 × 0.0003', zh: '1 加上 3000 个 0.0003' },
        [many(3000, 3e-4)],
        exactSum(many(3000, 3e-4)),
        {
          compare: ulps2,
          mistakes: SUM_MISTAKES,
          catches: { en: 'a naive float16 sum', zh: '朴素的 float16 求和' },
        },
      ),
    ],
  },
  {
    kind: 'numeric',
    id: 'l3.c1',
    title: { en: 'In float16, what is 2048 + 1?', zh: '在 float16 中，2048 + 1 等于多少？' },
    points: 1,
    minutes: 2,
    answer: f16(2048 + 1),
  },
];

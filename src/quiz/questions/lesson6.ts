import { decode, DelayedScaling, getFormat } from '../../mp/index';
import { hidden, mistake, shown, type Question } from '../question';

const exact = { compare: { kind: 'exact' } } as const;
function delayed(history: number[], margin: number): number {
  const s = new DelayedScaling({ historyLength: Math.max(history.length, 1), margin });
  for (const amax of history) s.cast(Float32Array.of(amax));
  return s.scale;
}
const mx = (values: number[], emax: number): number => {
  const amax = Math.max(...values.map(Math.abs));
  return amax === 0 ? -127 : Math.floor(Math.log2(amax)) - emax;
};

/** decodeE4M3 with one part wrong: how exponent 0 and the top exponent are read. */
function e4m3With(code: number, subnormal: (m: number) => number, top: (m: number) => number): number {
  const sign = code & 0x80 ? -1 : 1;
  const [exp, man] = [(code >> 3) & 0xf, code & 0x7];
  if (exp === 0) return sign * subnormal(man);
  if (exp === 15) return sign * top(man);
  return sign * (1 + man / 8) * 2 ** (exp - 7);
}
const e4m3Sub = (m: number): number => (m / 8) * 2 ** -6;
const e4m3Top = (m: number): number => (m === 7 ? NaN : (1 + m / 8) * 2 ** 8);
const E4M3_MISTAKES = [
  mistake((code: number) => e4m3With(code, e4m3Sub, (m) => (m ? NaN : Infinity)), {
    en: 'e4m3fn has no infinities: the top exponent holds numbers too, up to 448; only S.1111.111 is NaN.',
    zh: 'e4m3fn 没有无穷大：最高的指数也表示普通数值，最大到 448；只有 S.1111.111 是 NaN。',
  }),
  mistake((code: number) => e4m3With(code, e4m3Sub, (m) => (1 + m / 8) * 2 ** 8), {
    en: 'NaN read as a number: S.1111.111 (0x7f and 0xff) is NaN in e4m3fn, its only NaN.',
    zh: '把 NaN 当成了数值：在 e4m3fn 中 S.1111.111（0x7f 和 0xff）是 NaN，也是唯一的 NaN。',
  }),
  mistake((code: number) => e4m3With(code, (m) => (1 + m / 8) * 2 ** -7, e4m3Top), {
    en: 'exponent field 0 has no implicit leading 1: a subnormal is (m/8)·2^−6.',
    zh: '指数域为 0 时没有隐含的前导 1：次正规数是 (m/8)·2^−6。',
  }),
  mistake((code: number) => e4m3With(code, (m) => (m / 8) * 2 ** -7, e4m3Top), {
    en: 'the subnormal is half its value: subnormals use the exponent 1 − bias = −6, like the smallest normal.',
    zh: '次正规数只有正确值的一半：次正规数的指数是 1 − bias = −6，与最小正规数相同。',
  }),
];

const DELAYED_MISTAKES = [
  mistake(
    (history: number[], fp8Max: number, margin: number) =>
      history.length ? fp8Max / history.at(-1)! / 2 ** margin : 1,
    {
      en: "the latest amax, not the history's largest: the scale comes from max(amaxHistory), Transformer Engine's default amax_compute_algo 'max'.",
      zh: "用了最新的 amax 而不是历史中的最大值：缩放因子由 max(amaxHistory) 得到，即 Transformer Engine 默认的 amax_compute_algo 'max'。",
    },
  ),
  mistake(
    (history: number[], fp8Max: number, margin: number) =>
      history.length ? (fp8Max / Math.max(...history)) * 2 ** margin : 1,
    {
      en: 'the margin went the wrong way: divide by 2^margin, which leaves headroom below fp8Max.',
      zh: 'margin 的方向反了：应除以 2^margin，这样才在 fp8Max 以下留出余量。',
    },
  ),
  mistake((history: number[], fp8Max: number, margin: number) => fp8Max / Math.max(...history) / 2 ** margin, {
    en: 'no amax recorded yet: while the history holds no non-zero amax, the scale stays 1.',
    zh: '还没有记录任何 amax：历史中没有非零 amax 时，缩放因子保持为 1。',
  }),
];

const MX_MISTAKES = [
  mistake((v: number[], emax: number) => Math.ceil(Math.log2(Math.max(...v.map(Math.abs)))) - emax, {
    en: 'ceil instead of floor: the shared exponent is floor(log2(max |v|)) − emax, so the largest element lands in the top binade of the element format.',
    zh: '用了 ceil 而不是 floor：共享指数是 floor(log2(max |v|)) − emax，这样最大元素落在元素格式的最高一个二进区间里。',
  }),
  mistake((v: number[], emax: number) => Math.ceil(Math.log2(Math.max(...v.map(Math.abs)))) - 1 - emax, {
    en: 'ceil(log2) − 1 equals floor(log2) except at an exact power of two: use floor.',
    zh: 'ceil(log2) − 1 只在恰好是 2 的幂时与 floor(log2) 不同：请用 floor。',
  }),
  mistake((v: number[], emax: number) => Math.floor(Math.log2(Math.max(...v))) - emax, {
    en: 'the largest value, not the largest magnitude: use max |v|; a negative element can be the largest.',
    zh: '用了最大值而不是最大绝对值：应使用 max |v|，负数元素也可能是绝对值最大的。',
  }),
  mistake((v: number[]) => Math.floor(Math.log2(Math.max(...v.map(Math.abs)))), {
    en: "the element format's emax was not subtracted: the scale shifts the block so that its largest element lands at the element format's largest exponent.",
    zh: '没有减去元素格式的 emax：缩放要把块平移，使最大元素落在元素格式的最大指数上。',
  }),
  mistake((v: number[], emax: number) => Math.floor(Math.log2(Math.max(...v.map(Math.abs)))) - emax, {
    en: 'an all-zero block has no largest element: log2(0) is −∞; return −127, the smallest scale, as the exercise asks.',
    zh: '全零块没有最大元素：log2(0) 是 −∞；按题目要求返回 −127，即最小的缩放指数。',
  }),
];

export const LESSON6: Question[] = [
  {
    kind: 'code',
    id: 'l6.q1',
    title: { en: 'Decode float8_e4m3fn', zh: '解码 float8_e4m3fn' },
    prompt: {
      en: 'The value of a float8_e4m3fn code (0..255): bias 7, no infinities, NaN only at 0x7f and 0xff.',
      zh: '求 float8_e4m3fn 编码（0..255）表示的值：偏置为 7，没有无穷大，只有 0x7f 和 0xff 是 NaN。',
    },
    minutes: 12,
    file: 'lesson6/index.ts',
    export: 'decodeE4M3',
    uses: { library: ['formats/registry'] },
    cases: [
      shown({ en: 'one', zh: '数值 1' }, [0b0_0111_000], decode(0b0_0111_000, 'float8_e4m3fn'), {
        ...exact,
        mistakes: E4M3_MISTAKES,
      }),
      shown({ en: 'the largest value', zh: '最大值' }, [0b0_1111_110], decode(0b0_1111_110, 'float8_e4m3fn'), {
        ...exact,
        mistakes: E4M3_MISTAKES,
      }),
      hidden('NaN', [0x7f], NaN, {
        ...exact,
        mistakes: E4M3_MISTAKES,
        catches: { en: 'the NaN code S.1111.111 read as a number', zh: '把 NaN 编码 S.1111.111 当成了数值' },
      }),
      hidden(
        { en: 'a negative subnormal', zh: '一个负的次正规数' },
        [0b1_0000_011],
        decode(0b1_0000_011, 'float8_e4m3fn'),
        {
          ...exact,
          mistakes: E4M3_MISTAKES,
          catches: { en: 'a missing or wrong subnormal branch', zh: '缺少次正规数分支，或者算错了' },
        },
      ),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q2',
    title: { en: 'Delayed scaling', zh: '延迟缩放（delayed scaling）' },
    prompt: {
      en: "Transformer Engine's delayed scale: fp8Max / max(amaxHistory) / 2^margin, or 1 while the history holds no non-zero amax.",
      zh: 'Transformer Engine 的延迟缩放因子：fp8Max / max(amaxHistory) / 2^margin；历史中还没有非零 amax 时为 1。',
    },
    minutes: 8,
    file: 'lesson6/index.ts',
    export: 'delayedScale',
    uses: { library: ['formats/registry'] },
    cases: [
      shown({ en: 'history [2, 8, 4]', zh: '历史 [2, 8, 4]' }, [[2, 8, 4], 448, 0], delayed([2, 8, 4], 0), {
        ...exact,
        mistakes: DELAYED_MISTAKES,
      }),
      hidden({ en: 'with a margin of 1', zh: 'margin 为 1' }, [[3.5, 1], 448, 1], delayed([3.5, 1], 1), {
        ...exact,
        mistakes: DELAYED_MISTAKES,
        catches: { en: 'a margin applied the wrong way', zh: 'margin 的方向用反了' },
      }),
      hidden({ en: 'no history yet', zh: '还没有历史' }, [[], 448, 0], 1, {
        ...exact,
        mistakes: DELAYED_MISTAKES,
        catches: { en: 'a scale computed before any amax was recorded', zh: '在记录任何 amax 之前就计算了缩放因子' },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l6.q3',
    title: { en: "An MX block's shared scale", zh: 'MX 块的共享缩放指数' },
    prompt: {
      en:
        'The shared scale exponent of an OCP MX block: floor(log2(max |v|)) − emaxElement (e.g. 8 for e4m3 elements), ' +
        "so the largest element lands in the element format's top binade. Return −127 for an all-zero block.",
      zh:
        'OCP MX 块的共享缩放指数：floor(log2(max |v|)) − emaxElement（例如 e4m3 元素为 8），' +
        '使最大元素落在元素格式的最高二进区间。全零块返回 −127。',
    },
    minutes: 8,
    file: 'lesson6/index.ts',
    export: 'mxScaleExponent',
    uses: { library: ['formats/registry'] },
    cases: [
      shown({ en: 'e4m3 elements', zh: 'e4m3 元素' }, [[0.5, -3, 1.25], 8], mx([0.5, -3, 1.25], 8), {
        ...exact,
        mistakes: MX_MISTAKES,
      }),
      hidden({ en: 'a power of two', zh: '恰好是 2 的幂' }, [[4, -1], 8], mx([4, -1], 8), {
        ...exact,
        mistakes: MX_MISTAKES,
        catches: { en: 'ceil(log2) − 1 in place of floor(log2)', zh: '用 ceil(log2) − 1 代替 floor(log2)' },
      }),
      hidden({ en: 'all zero', zh: '全零' }, [[0, 0], 2], -127, {
        ...exact,
        mistakes: MX_MISTAKES,
        catches: { en: 'an all-zero block (log2(0) is −∞)', zh: '全零块（log2(0) 是 −∞）' },
      }),
    ],
  },
  {
    kind: 'numeric',
    id: 'l6.c1',
    title: { en: 'What is the largest finite float8_e4m3fn value?', zh: 'float8_e4m3fn 能表示的最大有限值是多少？' },
    points: 1,
    minutes: 2,
    answer: getFormat('float8_e4m3fn').maxFinite,
  },
  {
    kind: 'numeric',
    id: 'l6.c2',
    title: { en: 'And of float8_e5m2?', zh: 'float8_e5m2 的呢？' },
    points: 1,
    minutes: 2,
    answer: getFormat('float8_e5m2').maxFinite,
  },
];

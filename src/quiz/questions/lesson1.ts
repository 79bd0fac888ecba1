/**
 * Lesson 1: the formats themselves. Expected values come from the library's formats (limits, decode, rounding);
 * a format that is not in the registry (six exponent bits, three mantissa bits) is derived from its spec, so
 * that a table of known formats cannot pass.
 */
import { decode, getFormat, roundValue, type FloatFormat } from '../../mp/index';
import { deriveFloat } from '../../mp/formats/spec';
import { hidden, shown, type CodeCase, type Question, type Uses } from '../question';
import type { Text } from '../text';

const exact = { compare: { kind: 'exact' } } as const;
/** The formats by hand: no library (its registry holds these very limits and roundings), no package. */
const PLAIN: Uses = {};

const floatFormat = (name: string): FloatFormat => getFormat(name) as FloatFormat;
/** An IEEE-style format outside the registry: no table of the known formats holds its limits. */
const E6M3 = deriveFloat({
  kind: 'float',
  name: 'e6m3',
  expBits: 6,
  manBits: 3,
  infinities: true,
  nan: 'ieee',
  signedZero: true,
});
/** l1.c5's format: float8_e4m3fn's rules (no infinity, only the all-ones code is NaN) with 3 and 4 bits. */
const E3M4FN = deriveFloat({
  kind: 'float',
  name: 'e3m4fn',
  expBits: 3,
  manBits: 4,
  infinities: false,
  nan: 'all-ones',
  signedZero: true,
});

const limits = (f: FloatFormat) => ({
  maxFinite: f.maxFinite,
  minNormal: f.minNormal,
  minSubnormal: f.minSubnormal,
  epsilon: f.epsilon,
});
/** A public case names its format; a hidden one says what it is (`what`), not which. */
const limitsCase = (f: FloatFormat, what?: Text): CodeCase =>
  what
    ? hidden(what, [f.expBits, f.manBits], limits(f), exact)
    : shown(`${f.name} (${f.expBits}, ${f.manBits})`, [f.expBits, f.manBits], limits(f), exact);

/** l1.q2's spec argument for a registry format, and the library's value of `code` in it. */
const SPECIAL = { ieee: 'ieee', 'all-ones': 'fn', none: 'none' } as const;
function decodeCase(name: string, code: number, what: Text, show: boolean): CodeCase {
  const f = floatFormat(name);
  const spec = { expBits: f.expBits, manBits: f.manBits, special: SPECIAL[f.nan as keyof typeof SPECIAL] };
  return (show ? shown : hidden)(
    label(show ? `${name} 0x${code.toString(16)}: ` : `${name}: `, what),
    [code, spec],
    decode(code, f),
    exact,
  );
}

/** l1.q3: `x` stored in the IEEE-style format `name`, as the library (bit-identical to ml_dtypes) stores it. */
function roundCase(name: string, x: number, what: Text, show: boolean): CodeCase {
  const f = floatFormat(name);
  return (show ? shown : hidden)(label(`${name}: `, what), [x, f.expBits, f.manBits], roundValue(x, f), exact);
}

/** The smallest power of two u with round(w + u) ≠ w in format f, by trying them in turn (l1.q4). */
function smallestChangeOf(w: number, f: FloatFormat): number {
  for (let k = -160; k <= 128; k++) if (roundValue(w + 2 ** k, f) !== w) return 2 ** k;
  throw new Error(`no power of two moves ${w} in ${f.name}`);
}
function changeCase(name: string, w: number, what: Text, show: boolean): CodeCase {
  const f = floatFormat(name);
  const args = [w, f.expBits, f.manBits];
  return (show ? shown : hidden)(label(`${name}, w = `, what), args, smallestChangeOf(w, f), exact);
}

/** A case's name: a language-neutral prefix (a format's name) and what the case tries. */
function label(prefix: string, what: Text): Text {
  return typeof what === 'string' ? prefix + what : { en: prefix + what.en, zh: prefix + what.zh };
}

/** l1.c2: a bfloat16 weight of 6 that gets 50 updates of +0.02, each sum stored in bfloat16 again. */
function bfloat16Walk(): number {
  let w = 6;
  for (let step = 0; step < 50; step++) w = roundValue(w + 0.02, 'bfloat16');
  return w;
}

const C1_RIGHT = {
  en: "bfloat16 has float32's 8 exponent bits, so gradients that underflow in float16 are still normal numbers in bfloat16",
  zh: 'bfloat16 与 float32 一样有 8 个指数位，在 float16 中下溢的梯度在 bfloat16 中仍是正规数',
};
const C3_RIGHT = {
  en: 'it does not change: every bfloat16 value is a float32 value, so no weight changes',
  zh: '不变：每个 bfloat16 值都是 float32 值，没有一个权重会变',
};
const C4_RIGHT = {
  en: "a float's gap grows with the value, so one scale per tensor keeps small gradients; int8's even steps round them to zero",
  zh: '浮点数的间距随数值增长，每个张量一个缩放因子就能保住小梯度；int8 的等距台阶会把它们舍入成 0',
};

export const LESSON1: Question[] = [
  {
    kind: 'code',
    id: 'l1.q1',
    title: { en: "A format's limits from its exponent and mantissa bits", zh: '由指数位数和尾数位数推出格式的极限' },
    prompt: {
      en:
        'The limits of an IEEE-style binary format with `expBits` exponent bits and `manBits` mantissa bits: ' +
        '`maxFinite` (the largest finite value), `minNormal` (the smallest positive normal value), `minSubnormal` ' +
        '(the smallest positive value) and `epsilon` (the gap between 1 and the next larger value). IEEE-style: ' +
        'bias 2^(expBits−1) − 1, the all-ones exponent field reserved for ±∞ and NaN, subnormals at exponent field 0.' +
        '\n\n    formatLimits(5, 10).maxFinite   // 65504 (float16)',
      zh:
        'IEEE 风格二进制格式（`expBits` 个指数位，`manBits` 个尾数位）的极限：`maxFinite`（最大有限值）、' +
        '`minNormal`（最小正规正数）、`minSubnormal`（最小正数）和 `epsilon`（1 与下一个更大值之间的间距）。' +
        'IEEE 风格是指：指数偏置为 2^(expBits−1) − 1，全 1 的指数域留给 ±∞ 和 NaN，指数域为 0 时是次正规数。',
    },
    file: 'lesson1/index.ts',
    export: 'formatLimits',
    uses: PLAIN,
    cases: [
      limitsCase(floatFormat('float16')),
      limitsCase(floatFormat('bfloat16')),
      limitsCase(floatFormat('float8_e5m2'), { en: 'a float8 format', zh: '一种 float8 格式' }),
      limitsCase(floatFormat('float8_e3m4'), { en: 'a format with few exponent bits', zh: '指数位很少的格式' }),
      limitsCase(E6M3, { en: 'a format outside the registry', zh: '不在格式注册表中的格式' }),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q2',
    title: {
      en: 'Decode a bit pattern of a small float format, given its spec',
      zh: '按格式说明解码小浮点格式的位模式',
    },
    prompt: {
      en:
        'The number that the code `bits` (an unsigned integer of 1 + expBits + manBits bits, the sign bit on top) ' +
        'stands for in the format `spec` (see `SmallFloatSpec`), as ml_dtypes decodes it: −0 where the sign bit is ' +
        'set on a zero, NaN for every NaN code, ±Infinity for the infinities.' +
        "\n\n    decodeFloat(0x3c00, { expBits: 5, manBits: 10, special: 'ieee' })   // 1 (float16)",
      zh:
        '编码 `bits`（1 + expBits + manBits 位的无符号整数，最高位是符号位）在格式 `spec`（见 `SmallFloatSpec`）' +
        '中代表的数，与 ml_dtypes 的解码一致：符号位为 1 的零返回 −0，所有 NaN 编码返回 NaN，无穷大返回 ±Infinity。',
    },
    file: 'lesson1/index.ts',
    export: 'decodeFloat',
    uses: PLAIN,
    cases: [
      decodeCase('float16', 0x3c00, { en: 'one', zh: '数值 1' }, true),
      decodeCase('float16', 0x8000, { en: 'negative zero', zh: '负零' }, true),
      decodeCase('float8_e4m3fn', 0x7e, { en: 'the largest finite value', zh: '最大有限值' }, true),
      decodeCase('float16', 0x0001, { en: 'a subnormal', zh: '一个次正规数' }, false),
      decodeCase('bfloat16', 0x0003, { en: 'a subnormal', zh: '一个次正规数' }, false),
      decodeCase('float8_e4m3fn', 0x79, { en: 'a code with the all-ones exponent', zh: '指数域全 1 的编码' }, false),
      decodeCase('float8_e4m3fn', 0xff, { en: 'a NaN', zh: '一个 NaN' }, false),
      decodeCase('float8_e5m2', 0xfc, { en: 'an infinity', zh: '一个无穷大' }, false),
      decodeCase('float4_e2m1fn', 0x7, { en: 'a code with the all-ones exponent', zh: '指数域全 1 的编码' }, false),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q3',
    title: { en: 'Round a float32 value into an IEEE-style format', zh: '把 float32 值舍入到 IEEE 风格格式' },
    prompt: {
      en:
        '`x` (a float32 value) stored in the IEEE-style format (as in l1.q1) with `expBits` exponent and `manBits` ' +
        'mantissa bits, as a plain cast in ml_dtypes or torch stores it: the representable value nearest to x, a tie ' +
        'going to the neighbour whose last mantissa bit is 0. Past `maxFinite` the same rule applies as if the format ' +
        'went on, and a result beyond `maxFinite` becomes ±Infinity. A result of zero keeps the sign of x; NaN stays ' +
        'NaN.\n\n    roundToFormat(0.1, 5, 10)   // 0.0999755859375 (float16)',
      zh:
        '把 `x`（一个 float32 值）存进 IEEE 风格的格式（同 l1.q1，`expBits` 个指数位，`manBits` 个尾数位），' +
        '结果与 ml_dtypes 或 torch 的普通类型转换一致：取离 x 最近的可表示值，平局时取末位尾数为 0 的那个邻居。' +
        '超过 `maxFinite` 时按格式继续延伸的同一规则舍入，结果大于 `maxFinite` 就成为 ±Infinity。结果为零时保留 x 的' +
        '符号；NaN 仍是 NaN。',
    },
    file: 'lesson1/index.ts',
    export: 'roundToFormat',
    uses: PLAIN,
    cases: [
      roundCase('float16', 0.1, '0.1', true),
      roundCase('float16', 70_000, '70000', true),
      roundCase('bfloat16', 1 + 2 ** -8, '1 + 2^-8', true),
      roundCase(
        'float16',
        2049,
        { en: 'a value halfway between two neighbours', zh: '恰在两个相邻值正中间的值' },
        false,
      ),
      roundCase(
        'float16',
        65_519,
        { en: 'a value just above the largest finite one', zh: '略大于最大有限值的值' },
        false,
      ),
      roundCase(
        'float16',
        65_520,
        { en: 'a value further above the largest finite one', zh: '更大一些、超过最大有限值的值' },
        false,
      ),
      roundCase(
        'float16',
        Math.fround(3e-8),
        { en: 'a value below the smallest normal', zh: '小于最小正规数的值' },
        false,
      ),
      roundCase('float16', Math.fround(-1e-9), { en: 'a tiny negative value', zh: '一个极小的负数' }, false),
      roundCase('float8_e4m3', 250, { en: 'a value above the largest finite one', zh: '大于最大有限值的值' }, false),
      roundCase('float8_e5m2', Math.fround(0.3), { en: 'an ordinary value', zh: '一个普通的值' }, false),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q4',
    title: {
      en: 'The smallest update that moves a weight stored in a format',
      zh: '能改变以某格式保存的权重的最小更新量',
    },
    prompt: {
      en:
        'The smallest power of two u such that w + u, stored in the IEEE-style format with `expBits` exponent and ' +
        '`manBits` mantissa bits (rounded as in l1.q3), is no longer w. `w` is a finite value of that format, of ' +
        'either sign: think of it as a weight kept in that format, and of u as the smallest update that moves it.' +
        '\n\n    smallestChange(1, 8, 7)   // 2^-7 (bfloat16): 1 + 2^-8 is a tie, and goes back to 1',
      zh:
        '求最小的 2 的幂 u，使 w + u 存进 IEEE 风格格式（`expBits` 个指数位，`manBits` 个尾数位，按 l1.q3 的方式' +
        '舍入）后不再等于 w。`w` 是该格式中的有限值，可正可负：把它看成以该格式保存的权重，u 就是能改变它的最小更新量。',
    },
    file: 'lesson1/index.ts',
    export: 'smallestChange',
    uses: PLAIN,
    cases: [
      changeCase('bfloat16', 1, '1', true),
      changeCase('float16', 1, '1', true),
      changeCase('bfloat16', 1 + 2 ** -7, { en: 'the value just above 1', zh: '紧挨在 1 上面的值' }, false),
      changeCase('bfloat16', -1, { en: 'a negative weight', zh: '一个负的权重' }, false),
      changeCase('float16', 0, { en: 'zero', zh: '零' }, false),
      changeCase('float16', 65_504, { en: 'the largest finite value', zh: '最大有限值' }, false),
    ],
  },
  {
    kind: 'choice',
    id: 'l1.c1',
    title: {
      en: 'Why does bfloat16 usually train without loss scaling, while float16 often needs it?',
      zh: '为什么 bfloat16 通常不用损失缩放就能训练，而 float16 常常需要？',
    },
    points: 2,
    choices: [
      C1_RIGHT,
      {
        en: 'bfloat16 has more mantissa bits than float16, so small gradients keep more of their precision',
        zh: 'bfloat16 的尾数位比 float16 多，小梯度能保留更多精度',
      },
      {
        en: 'lower precision means a smaller range, so bfloat16 has fewer values near the edge of its range',
        zh: '精度越低，表示范围越小，所以 bfloat16 在范围边缘的值更少',
      },
      {
        en: 'tensor cores accumulate in float32, so no bfloat16 value can underflow',
        zh: '张量核心用 float32 累加，所以 bfloat16 的值不会下溢',
      },
    ],
    answer: C1_RIGHT.en,
  },
  {
    kind: 'numeric',
    id: 'l1.c2',
    title: {
      en:
        'A weight is kept in bfloat16 (no float32 copy) and equals 6. Each of 50 steps adds lr·g = 0.02 and stores ' +
        'the sum in bfloat16 again (round to nearest, ties to even). What is the weight after the 50 steps?',
      zh:
        '一个权重以 bfloat16 保存（没有 float32 副本），初值为 6。每一步加上 lr·g = 0.02，再把和存回 bfloat16' +
        '（就近舍入，平局取偶）。50 步之后权重是多少？',
    },
    points: 3,
    answer: bfloat16Walk(),
  },
  {
    kind: 'choice',
    id: 'l1.c3',
    title: {
      en: 'After training in bfloat16, the weights are cast to float32. What happens to the test accuracy, and why?',
      zh: '用 bfloat16 训练之后，把权重转换成 float32。测试准确率会怎样？为什么？',
    },
    points: 1,
    choices: [
      C3_RIGHT,
      {
        en: 'it rises: float32 has 16 more mantissa bits, so the weights regain their precision',
        zh: '上升：float32 多 16 个尾数位，权重恢复了精度',
      },
      { en: 'it falls: a cast between formats rounds once more', zh: '下降：格式之间的转换又多舍入了一次' },
      {
        en: 'it rises only for float16, whose narrow range the cast widens',
        zh: '只有 float16 会上升，因为转换拓宽了它狭窄的范围',
      },
    ],
    answer: C3_RIGHT.en,
  },
  {
    kind: 'choice',
    id: 'l1.c4',
    title: {
      en: 'Both take one byte. Why do FP8 training recipes store gradients as float8 rather than int8?',
      zh: '二者都只占一个字节。为什么 FP8 训练方案用 float8 而不是 int8 存梯度？',
    },
    points: 2,
    choices: [
      C4_RIGHT,
      { en: 'int8 arithmetic is slower than float8 on GPUs', zh: 'GPU 上 int8 运算比 float8 慢' },
      { en: 'int8 needs a scale factor and float8 does not', zh: 'int8 需要缩放因子，float8 不需要' },
      { en: 'int8 cannot represent negative values', zh: 'int8 不能表示负数' },
    ],
    answer: C4_RIGHT.en,
  },
  {
    kind: 'numeric',
    id: 'l1.c5',
    title: {
      en:
        "A format follows float8_e4m3fn's rules (no infinity; only the codes with every exponent and mantissa bit " +
        'set are NaN) but has 3 exponent bits and 4 mantissa bits. What is its largest finite value?',
      zh:
        '某格式沿用 float8_e4m3fn 的规则（没有无穷大；只有指数位和尾数位全为 1 的编码是 NaN），但有 3 个指数位和 ' +
        '4 个尾数位。它的最大有限值是多少？',
    },
    points: 3,
    answer: E3M4FN.maxFinite,
  },
];

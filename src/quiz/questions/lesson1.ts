/**
 * Lesson 1: the formats themselves. Expected values come from the library's formats (limits, decode, rounding);
 * a format that is not in the registry (six exponent bits, three mantissa bits) is derived from its spec, so
 * that a table of known formats cannot pass. Each wrong formula a student may write is written out here, as a
 * variant of a short reference of the question file's own, so that its hint fires only for the answer it gives.
 */
import { decode, getFormat, roundValue, type FloatFormat } from '../../mp/index';
import { deriveFloat } from '../../mp/formats/spec';
import { judgedBy } from '../judges';
import { hidden, judged, mistake, shown, type CaseOptions, type CodeCase, type Question, type Uses } from '../question';
import type { Text } from '../text';

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

/** A case's name: a language-neutral prefix (a format's name) and what the case tries. */
function label(prefix: string, what: Text): Text {
  return typeof what === 'string' ? prefix + what : { en: prefix + what.en, zh: prefix + what.zh };
}
const bias = (e: number) => 2 ** (e - 1) - 1;
/** The largest exponent of an IEEE-style format (its all-ones field is ±∞ and NaN). */
const topExp = (e: number) => 2 ** e - 2 - bias(e);

// l1.q1 ----------------------------------------------------------------------------------------------------------

const limits = (f: FloatFormat) => ({
  maxFinite: f.maxFinite,
  minNormal: f.minNormal,
  minSubnormal: f.minSubnormal,
  epsilon: f.epsilon,
});
const LIMIT_MISTAKES = [
  mistake(
    (e: number, m: number) => ({
      maxFinite: (2 - 2 ** -m) * 2 ** (topExp(e) + 1),
    }),
    {
      en: 'maxFinite uses the all-ones exponent field, which an IEEE-style format keeps for ±∞ and NaN: the largest finite value has the field below it.',
      zh: 'maxFinite 用了全 1 的指数域，而 IEEE 风格的格式把它留给 ±∞ 和 NaN：最大有限值的指数域要再小 1。',
    },
  ),
  mistake((e: number) => ({ maxFinite: 2 ** (topExp(e) + 1) }), {
    en: 'maxFinite: the largest significand is 1.11…1 in binary, 2 − 2^−manBits, not 2.',
    zh: 'maxFinite：最大的有效数是二进制的 1.11…1，即 2 − 2^−manBits，而不是 2。',
  }),
  mistake((e: number) => ({ maxFinite: 2 ** topExp(e) }), {
    en: 'maxFinite: the mantissa field adds to the implicit 1; with every bit set the significand is 2 − 2^−manBits, not 1.',
    zh: 'maxFinite：尾数域是加在隐含的 1 之上的；各位全为 1 时有效数是 2 − 2^−manBits，而不是 1。',
  }),
  mistake((e: number) => ({ minSubnormal: 2 ** (1 - bias(e)) }), {
    en: 'minSubnormal: below the smallest normal value, exponent field 0 holds the subnormals (no implicit 1), down to 2^−manBits times it.',
    zh: 'minSubnormal：比最小正规数更小的还有次正规数（指数域为 0，没有隐含的 1），一直小到它的 2^−manBits 倍。',
  }),
  mistake(
    (e: number, m: number) => ({
      minNormal: 2 ** -bias(e),
      minSubnormal: 2 ** (-bias(e) - m),
    }),
    {
      en: 'minNormal uses exponent field 0, which holds zero and the subnormals: the smallest normal value has field 1, and the subnormals share its exponent.',
      zh: 'minNormal 用了指数域 0，而它表示零和次正规数：最小正规数的指数域是 1，次正规数与它共用同一个指数。',
    },
  ),
  mistake((e: number, m: number) => ({ minSubnormal: 2 ** (-bias(e) - m) }), {
    en: 'minSubnormal: the subnormals share the smallest normal exponent, 1 − bias, so that they continue its spacing; 0 − bias halves them.',
    zh: 'minSubnormal：次正规数与最小正规数共用指数 1 − bias，才能延续它的间距；用 0 − bias 会让它们都小一半。',
  }),
  mistake((_e: number, m: number) => ({ epsilon: 2 ** -(m + 1) }), {
    en: 'epsilon is the gap between 1 and the next value, 2^−manBits; half of it is the largest relative rounding error (the unit roundoff).',
    zh: 'epsilon 是 1 与下一个值之间的间距 2^−manBits；它的一半才是最大相对舍入误差（单位舍入误差）。',
  }),
  mistake((e: number) => ({ minNormal: 2 ** (1 - 2 ** (e - 1)) }), {
    en: 'The bias is 2^(expBits−1) − 1 (15 for float16, 127 for float32), not 2^(expBits−1).',
    zh: '指数偏置是 2^(expBits−1) − 1（float16 为 15，float32 为 127），而不是 2^(expBits−1)。',
  }),
];
/** A public case names its format; a hidden one says what it is (`what`), not which, and what it catches. */
function limitsCase(f: FloatFormat, hiddenAs?: { what: Text; catches: Text }): CodeCase {
  const args = [f.expBits, f.manBits];
  const more: CaseOptions = {
    compare: { kind: 'exact' },
    mistakes: LIMIT_MISTAKES,
  };
  return hiddenAs
    ? hidden(hiddenAs.what, args, limits(f), {
        ...more,
        catches: hiddenAs.catches,
      })
    : shown(`${f.name} (${f.expBits}, ${f.manBits})`, args, limits(f), more);
}

// l1.q2 ----------------------------------------------------------------------------------------------------------

interface Spec {
  expBits: number;
  manBits: number;
  special: 'ieee' | 'fn' | 'none';
}
/** Ways to decode a code wrongly: each flag is one mistake (l1.q2's wrong formulas). */
interface DecodeSlip {
  subnormal?: 'implicit-one' | 'exponent-0';
  /** The all-ones exponent read by IEEE rules, whatever the spec says. */
  ieeeTop?: boolean;
  /** Every code under the all-ones exponent is NaN, infinities too. */
  topIsNan?: boolean;
  /** No code is special, whatever the spec says. */
  noSpecials?: boolean;
  unsigned?: boolean;
}
function decodeWith(bits: number, spec: Spec, slip: DecodeSlip): number {
  const { expBits: E, manBits: M } = spec;
  const special = slip.noSpecials ? 'none' : slip.ieeeTop ? 'ieee' : spec.special;
  const sign = !slip.unsigned && Math.floor(bits / 2 ** (E + M)) % 2 === 1 ? -1 : 1;
  const field = Math.floor(bits / 2 ** M) % 2 ** E;
  const man = bits % 2 ** M;
  const top = field === 2 ** E - 1;
  if (special === 'ieee' && top) return man === 0 && !slip.topIsNan ? sign * Infinity : NaN;
  if (special === 'fn' && top && man === 2 ** M - 1) return NaN;
  if (field > 0) return sign * (1 + man / 2 ** M) * 2 ** (field - bias(E));
  if (slip.subnormal === 'implicit-one') return sign * (1 + man / 2 ** M) * 2 ** -bias(E);
  return sign * (man / 2 ** M) * 2 ** ((slip.subnormal === 'exponent-0' ? 0 : 1) - bias(E));
}
const decodeMistake = (slip: DecodeSlip, hint: Text) =>
  mistake((bits: number, spec: Spec) => decodeWith(bits, spec, slip), hint);
const DECODE_MISTAKES = [
  decodeMistake(
    { subnormal: 'implicit-one' },
    {
      en: 'Exponent field 0 is special: its codes have no implicit leading 1 (they are zero and the subnormals).',
      zh: '指数域为 0 是特殊的：这些编码没有隐含的前导 1（它们是零和次正规数）。',
    },
  ),
  decodeMistake(
    { subnormal: 'exponent-0' },
    {
      en: 'A subnormal shares the smallest normal exponent, 1 − bias, so that the subnormals continue its spacing; 0 − bias halves them.',
      zh: '次正规数与最小正规数共用指数 1 − bias，才能延续它的间距；用 0 − bias 会让它们都小一半。',
    },
  ),
  decodeMistake(
    { ieeeTop: true },
    {
      en: "Only an 'ieee' format keeps its all-ones exponent for ±∞ and NaN: in 'fn' it holds ordinary numbers (only the all-ones code is NaN), in 'none' every code is a number.",
      zh: "只有 'ieee' 格式把全 1 指数域留给 ±∞ 和 NaN：'fn' 格式里它表示普通数（只有全 1 编码是 NaN），'none' 格式里每个编码都是数。",
    },
  ),
  decodeMistake(
    { noSpecials: true },
    {
      en: "Some codes are special: in an 'ieee' format those under the all-ones exponent (±∞, NaN), in an 'fn' format the all-ones code (NaN). Only a 'none' format has none.",
      zh: "有些编码是特殊值：'ieee' 格式中全 1 指数域下的编码（±∞、NaN），'fn' 格式中全 1 的编码（NaN）。只有 'none' 格式没有特殊编码。",
    },
  ),
  decodeMistake(
    { topIsNan: true },
    {
      en: 'Under the all-ones exponent, mantissa 0 is ±∞; only the other mantissas are NaN.',
      zh: '全 1 指数域下，尾数为 0 的是 ±∞，其余尾数才是 NaN。',
    },
  ),
  decodeMistake(
    { unsigned: true },
    {
      en: 'The sign bit applies to every code: a zero with its sign bit set is −0, an infinity −∞.',
      zh: '符号位对每个编码都起作用：符号位为 1 的零是 −0，无穷大是 −∞。',
    },
  ),
];
/** l1.q2's spec argument for a registry format, and the library's value of `code` in it. */
const SPECIAL = { ieee: 'ieee', 'all-ones': 'fn', none: 'none' } as const;
function decodeCase(name: string, code: number, what: Text, show: boolean, catches?: Text): CodeCase {
  const f = floatFormat(name);
  const spec = {
    expBits: f.expBits,
    manBits: f.manBits,
    special: SPECIAL[f.nan as keyof typeof SPECIAL],
  };
  const more: CaseOptions = {
    compare: { kind: 'exact' },
    mistakes: DECODE_MISTAKES,
    ...(catches ? { catches } : {}),
  };
  const name_ = label(show ? `${name} 0x${code.toString(16)}: ` : `${name}: `, what);
  return (show ? shown : hidden)(name_, [code, spec], decode(code, f), more);
}

// l1.q3 ----------------------------------------------------------------------------------------------------------

/** Ways to round wrongly (l1.q3's wrong formulas); without any, a plain cast's rounding. */
interface RoundSlip {
  ties?: 'away';
  toZero?: boolean;
  overflow?: 'saturate' | 'past-max';
  subnormals?: 'flush' | 'full-precision';
  unsignedZero?: boolean;
}
function roundWith(x: number, e: number, m: number, slip: RoundSlip): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const maxFinite = (2 - 2 ** -m) * 2 ** topExp(e);
  const a = Math.abs(x);
  if (slip.subnormals === 'flush' && a < 2 ** (1 - bias(e))) return slip.unsignedZero ? 0 : Math.sign(x) * 0;
  const binade = Math.floor(Math.log2(a));
  const ulp = 2 ** ((slip.subnormals === 'full-precision' ? binade : Math.max(binade, 1 - bias(e))) - m);
  const q = a / ulp;
  let n = Math.floor(q);
  const rest = q - n;
  if (!slip.toZero && (rest > 0.5 || (rest === 0.5 && (slip.ties === 'away' || n % 2 === 1)))) n += 1;
  let stored = n * ulp;
  if (slip.overflow === 'past-max' && a > maxFinite) stored = Infinity;
  if (stored > maxFinite) stored = slip.overflow === 'saturate' ? maxFinite : Infinity;
  if (stored === 0 && slip.unsignedZero) return 0;
  return Math.sign(x) * stored;
}
const roundMistake = (slip: RoundSlip, hint: Text) =>
  mistake((x: number, e: number, m: number) => roundWith(x, e, m, slip), hint);
const TIES_AWAY = roundMistake(
  { ties: 'away' },
  {
    en: 'A tie goes to the neighbour whose last mantissa bit is 0 (ties to even), not away from zero.',
    zh: '平局时取末位尾数为 0 的邻居（平局取偶），而不是远离零的那个。',
  },
);
const TO_ZERO = roundMistake(
  { toZero: true },
  {
    en: 'The value was cut toward zero: a cast rounds to the nearest representable value.',
    zh: '这里是向零截断：类型转换取的是最近的可表示值。',
  },
);
const SATURATES = roundMistake(
  { overflow: 'saturate' },
  {
    en: 'A plain cast to a format with infinities overflows to ±∞; saturating at maxFinite is what the scaled casts of FP8 recipes do.',
    zh: '转换到有无穷大的格式时，普通类型转换上溢为 ±∞；在 maxFinite 处饱和是 FP8 方案中带缩放的转换才做的事。',
  },
);
const OVERFLOWS_PAST_MAX = roundMistake(
  { overflow: 'past-max' },
  {
    en: 'A value above maxFinite but less than halfway to the next step the format would have rounds down to maxFinite, as any value rounds to its nearest.',
    zh: '比 maxFinite 大、但不到它与“下一个台阶”中点的值，会像其他值一样舍入到最近的 maxFinite。',
  },
);
const FLUSHES = roundMistake(
  { subnormals: 'flush' },
  {
    en: 'Below minNormal the format still has subnormals, spaced minSubnormal apart: round on that grid instead of flushing to zero.',
    zh: '小于 minNormal 时格式还有次正规数，间距为 minSubnormal：要在这个网格上舍入，而不是直接清零。',
  },
);
const SUBNORMALS_TOO_FINE = roundMistake(
  { subnormals: 'full-precision' },
  {
    en: 'Below minNormal the spacing stops shrinking: the subnormals are minSubnormal apart, so they keep fewer mantissa bits.',
    zh: '小于 minNormal 后间距不再缩小：次正规数之间相隔 minSubnormal，所以保留的尾数位更少。',
  },
);
const LOSES_SIGN = roundMistake(
  { unsignedZero: true },
  {
    en: 'A negative value that rounds to zero keeps its sign: −0.',
    zh: '舍入为零的负数保留符号：结果是 −0。',
  },
);
const ROUND_MISTAKES = [TIES_AWAY, TO_ZERO, SATURATES, OVERFLOWS_PAST_MAX, FLUSHES, SUBNORMALS_TOO_FINE, LOSES_SIGN];
/** Where x is past maxFinite or below minNormal, cutting toward zero gives the value another mistake gives: no hint. */
const EDGE_MISTAKES = ROUND_MISTAKES.filter((m) => m !== TO_ZERO);

/** l1.q3: `x` stored in the IEEE-style format `name`, as the library (bit-identical to ml_dtypes) stores it. */
function roundCase(
  name: string,
  x: number,
  what: Text,
  show: boolean,
  catches?: Text,
  mistakes = ROUND_MISTAKES,
): CodeCase {
  const f = floatFormat(name);
  const more: CaseOptions = {
    compare: { kind: 'exact' },
    mistakes,
    ...(catches ? { catches } : {}),
  };
  return (show ? shown : hidden)(label(`${name}: `, what), [x, f.expBits, f.manBits], roundValue(x, f), more);
}

// l1.q4 ----------------------------------------------------------------------------------------------------------

/** The smallest power of two u with round(w + u) ≠ w in format f, by trying them in turn (l1.q4). */
function smallestChangeOf(w: number, f: FloatFormat): number {
  for (let k = -160; k <= 128; k++) if (roundValue(w + 2 ** k, f) !== w) return 2 ** k;
  throw new Error(`no power of two moves ${w} in ${f.name}`);
}
/** The gap above |w| in an IEEE-style format: 2^(exponent − manBits), minSubnormal at zero and below. */
const gapAbove = (w: number, e: number, m: number) =>
  2 ** (Math.max(w === 0 ? -Infinity : Math.floor(Math.log2(Math.abs(w))), 1 - bias(e)) - m);
const HALF_GAP = mistake((w: number, e: number, m: number) => gapAbove(w, e, m) / 2, {
  en: "Half the gap (half an ulp) is a tie: it goes to the neighbour with an even last mantissa bit, back to w when w's own last bit is 0.",
  zh: '半个间距（半个末位单位）是平局：按平局取偶，结果取末位尾数为偶数的邻居；当 w 自己的末位是 0 时，就回到 w。',
});
const EPSILON_TIMES_W = mistake((w: number, _e: number, m: number) => Math.abs(w) * 2 ** -m, {
  en: 'The gap near w (one ulp) is a power of two fixed by the binade w lies in (minSubnormal at zero), not ε·|w|.',
  zh: 'w 附近的间距（一个末位单位）是由 w 所在区间决定的 2 的幂（在零附近是 minSubnormal），而不是 ε·|w|。',
});
/** The whole gap above |w|: wrong where half of it already moves w, each case saying why. */
const wholeGap = (hint: Text) => mistake((w: number, e: number, m: number) => gapAbove(w, e, m), hint);
const ODD_LAST_BIT = wholeGap({
  en: "When w's last mantissa bit is 1, half the gap is a tie that goes to the even neighbour: it already moves w.",
  zh: '当 w 的末位尾数是 1 时，半个间距是平局，会进到末位为偶数的邻居：这已经改变了 w。',
});
const NEGATIVE_W = wholeGap({
  en: 'Adding u to a negative w moves it toward zero, into the binade below |w|, where the gap is half as large.',
  zh: '给负的 w 加上 u 会让它向零靠近，进入 |w| 下面那一段，那里的间距只有一半。',
});
const NON_FINITE = {
  test: { kind: 'nonFinite' },
  hint: {
    en: 'A sum that rounds to ±∞ has changed w too; the answer is the update u, a finite power of two.',
    zh: '舍入成 ±∞ 的和也算改变了 w；答案是更新量 u，一个有限的 2 的幂。',
  },
} as const;
/** `more.mistakes` replaces the usual two (half the gap, ε·|w|) where a case needs others. */
function changeCase(name: string, w: number, what: Text, show: boolean, more: CaseOptions = {}): CodeCase {
  const f = floatFormat(name);
  const options: CaseOptions = {
    mistakes: [HALF_GAP, EPSILON_TIMES_W],
    ...more,
    compare: { kind: 'exact' },
    misconceptions: [NON_FINITE],
  };
  const args = [w, f.expBits, f.manBits];
  return (show ? shown : hidden)(label(`${name}, w = `, what), args, smallestChangeOf(w, f), options);
}

/** l1.q5's judge: the library stores the returned value in bfloat16 and float16 and measures the error. */
const lostInBoth = (relError: number) =>
  judgedBy('numberConfirmed', {
    lo: -3.4028234663852886e38,
    hi: 3.4028234663852886e38,
    probe: 'lostInAll',
    args: { formats: ['bfloat16', 'float16'], relError },
  });

/** l1.c2: a bfloat16 weight of 6 that gets 50 updates of +0.02, each sum stored in bfloat16 again. */
function bfloat16Walk(): number {
  let w = 6;
  for (let step = 0; step < 50; step++) w = roundValue(w + 0.02, 'bfloat16');
  return w;
}

export const LESSON1: Question[] = [
  {
    kind: 'code',
    id: 'l1.q1',
    title: {
      en: "A format's limits from its exponent and mantissa bits",
      zh: '由指数位数和尾数位数推出格式的极限',
    },
    minutes: 10,
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
      limitsCase(floatFormat('float8_e5m2'), {
        what: { en: 'a float8 format', zh: '一种 float8 格式' },
        catches: {
          en: 'a mantissa width written for the formats shown, not taken from manBits',
          zh: '尾数位数按示例格式写死了，没有用 manBits',
        },
      }),
      limitsCase(floatFormat('float8_e3m4'), {
        what: { en: 'a format with few exponent bits', zh: '指数位很少的格式' },
        catches: {
          en: 'a bias or exponent range written for the formats shown, not derived from expBits',
          zh: '指数偏置或指数范围按示例格式写死了，没有由 expBits 推出',
        },
      }),
      limitsCase(E6M3, {
        what: {
          en: 'a format outside the registry',
          zh: '不在格式注册表中的格式',
        },
        catches: {
          en: 'limits looked up in a table of known formats',
          zh: '从已知格式的表里查极限，而不是推导',
        },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q2',
    title: {
      en: 'Decode a bit pattern of a small float format, given its spec',
      zh: '按格式说明解码小浮点格式的位模式',
    },
    minutes: 15,
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
      decodeCase('float16', 0x0001, { en: 'a subnormal', zh: '一个次正规数' }, false, {
        en: 'a subnormal decoded with an implicit 1 or with the exponent 0 − bias',
        zh: '次正规数按隐含 1 或按指数 0 − bias 解码',
      }),
      decodeCase('bfloat16', 0x0003, { en: 'a subnormal', zh: '一个次正规数' }, false, {
        en: 'subnormals of a format with 8 exponent bits (a bias written for float16)',
        zh: '8 个指数位格式的次正规数（偏置按 float16 写死）',
      }),
      decodeCase('float8_e4m3fn', 0x79, { en: 'a code with the all-ones exponent', zh: '指数域全 1 的编码' }, false, {
        en: "an 'fn' format's all-ones exponent read as ∞ or NaN",
        zh: "把 'fn' 格式的全 1 指数域当成 ∞ 或 NaN",
      }),
      decodeCase('float8_e4m3fn', 0xff, { en: 'a NaN', zh: '一个 NaN' }, false, {
        en: "the one NaN code of an 'fn' format, with its sign bit set",
        zh: "'fn' 格式中符号位为 1 的 NaN 编码",
      }),
      decodeCase('float8_e5m2', 0xfc, { en: 'an infinity', zh: '一个无穷大' }, false, {
        en: 'a negative infinity: the sign bit and mantissa 0 under the all-ones exponent',
        zh: '负无穷大：符号位，以及全 1 指数域下尾数为 0',
      }),
      decodeCase('float4_e2m1fn', 0x7, { en: 'a code with the all-ones exponent', zh: '指数域全 1 的编码' }, false, {
        en: 'a format without special codes decoded as if it had them',
        zh: '没有特殊编码的格式被当成有特殊编码来解码',
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q3',
    title: {
      en: 'Round a float32 value into an IEEE-style format',
      zh: '把 float32 值舍入到 IEEE 风格格式',
    },
    minutes: 25,
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
        {
          en: 'a value halfway between two neighbours',
          zh: '恰在两个相邻值正中间的值',
        },
        false,
        {
          en: 'a tie rounded away from zero instead of to even',
          zh: '平局时远离零舍入，而不是平局取偶',
        },
      ),
      roundCase(
        'float16',
        65_519,
        {
          en: 'a value just above the largest finite one',
          zh: '略大于最大有限值的值',
        },
        false,
        {
          en: 'overflow declared as soon as x passes maxFinite',
          zh: 'x 一超过 maxFinite 就判为上溢',
        },
      ),
      roundCase(
        'float16',
        65_520,
        {
          en: 'a value further above the largest finite one',
          zh: '更大一些、超过最大有限值的值',
        },
        false,
        {
          en: 'saturating at maxFinite instead of overflowing to ∞',
          zh: '在 maxFinite 处饱和，而不是上溢为 ∞',
        },
        EDGE_MISTAKES,
      ),
      roundCase(
        'float16',
        Math.fround(3e-8),
        { en: 'a value below the smallest normal', zh: '小于最小正规数的值' },
        false,
        {
          en: 'subnormals flushed to zero, or rounded on a grid finer than minSubnormal',
          zh: '次正规数被清零，或在比 minSubnormal 更细的网格上舍入',
        },
        EDGE_MISTAKES,
      ),
      roundCase('float16', Math.fround(-1e-9), { en: 'a tiny negative value', zh: '一个极小的负数' }, false, {
        en: 'the sign of a negative value that rounds to zero',
        zh: '舍入为零的负数丢了符号',
      }),
      roundCase(
        'float8_e4m3',
        250,
        {
          en: 'a value above the largest finite one',
          zh: '大于最大有限值的值',
        },
        false,
        {
          en: "an 8-bit format's overflow, at its own maxFinite",
          zh: '8 位格式在它自己的 maxFinite 处的上溢',
        },
        EDGE_MISTAKES,
      ),
      roundCase('float8_e5m2', Math.fround(0.3), { en: 'an ordinary value', zh: '一个普通的值' }, false, {
        en: 'a value cut toward zero instead of rounded to the nearest',
        zh: '把值向零截断，而不是就近舍入',
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q4',
    title: {
      en: 'The smallest update that moves a weight stored in a format',
      zh: '能改变以某格式保存的权重的最小更新量',
    },
    minutes: 10,
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
      changeCase('bfloat16', 1 + 2 ** -7, { en: 'the value just above 1', zh: '紧挨在 1 上面的值' }, false, {
        mistakes: [HALF_GAP, EPSILON_TIMES_W, ODD_LAST_BIT],
        catches: {
          en: 'a weight whose last mantissa bit is 1 (the tie goes up)',
          zh: '末位尾数为 1 的权重（平局向上）',
        },
      }),
      changeCase('bfloat16', -1, { en: 'a negative weight', zh: '一个负的权重' }, false, {
        mistakes: [HALF_GAP, NEGATIVE_W],
        catches: {
          en: 'a negative weight (the update moves it toward zero)',
          zh: '负的权重（更新让它向零靠近）',
        },
      }),
      changeCase('float16', 0, { en: 'zero', zh: '零' }, false, {
        catches: {
          en: 'a weight of zero (the subnormal gap)',
          zh: '值为零的权重（次正规数的间距）',
        },
      }),
      changeCase('float16', 65_504, { en: 'the largest finite value', zh: '最大有限值' }, false, {
        mistakes: [HALF_GAP, EPSILON_TIMES_W, ODD_LAST_BIT],
        catches: {
          en: 'the largest finite weight (a sum that rounds to ∞ is a change)',
          zh: '最大有限权重（舍入成 ∞ 的和也是改变）',
        },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q5',
    title: { en: 'Open task: a value both 16-bit formats store badly', zh: '开放题：两种 16 位格式都存不准的值' },
    minutes: 10,
    prompt: {
      en:
        'A value x ≠ 0 that float32 holds exactly (Math.fround(x) === x) and that bfloat16 and float16 both store ' +
        'more than 1 % off (relative error |stored − x| / |x|); a value both store more than 10 % off earns the last ' +
        'point. Any such value passes: the grader stores it in both formats and measures.',
      zh:
        '返回一个 float32 能精确表示（Math.fround(x) === x）的非零值 x，且 bfloat16 和 float16 存它时的相对误差' +
        '（|存储值 − x| / |x|）都超过 1%；两种格式的误差都超过 10% 时得到最后 1 分。任何满足条件的值都能得分：评分' +
        '程序会把它存进两种格式并测量误差。',
    },
    file: 'lesson1/index.ts',
    export: 'hardToStore',
    uses: PLAIN,
    cases: [
      judged({ en: 'both formats more than 1 % off', zh: '两种格式的误差都超过 1%' }, [], lostInBoth(0.01), {
        points: 2,
      }),
      hidden({ en: 'both formats more than 10 % off', zh: '两种格式的误差都超过 10%' }, [], undefined, {
        judge: lostInBoth(0.1),
        catches: {
          en: 'a value that one of the formats stores within 10 %: far enough from zero, its gaps are finer than that',
          zh: '其中一种格式存它的误差不到 10%：离零足够远时，它的间距比这更细',
        },
      }),
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
    minutes: 2,
    choices: [
      {
        en: 'bfloat16 has more mantissa bits than float16, so small gradients keep more of their precision',
        zh: 'bfloat16 的尾数位比 float16 多，小梯度能保留更多精度',
      },
      {
        en: 'lower precision means a smaller range, so bfloat16 has fewer values near the edge of its range',
        zh: '精度越低，表示范围越小，所以 bfloat16 在范围边缘的值更少',
      },
      {
        en: "bfloat16 has float32's 8 exponent bits, so gradients that underflow in float16 are still normal numbers in bfloat16",
        zh: 'bfloat16 与 float32 一样有 8 个指数位，在 float16 中下溢的梯度在 bfloat16 中仍是正规数',
      },
      {
        en: 'tensor cores accumulate in float32, so no bfloat16 value can underflow',
        zh: '张量核心用 float32 累加，所以 bfloat16 的值不会下溢',
      },
    ],
    answer: 'c',
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
        '（就近舍入、平局取偶）。50 步之后权重是多少？',
    },
    points: 3,
    minutes: 5,
    answer: bfloat16Walk(),
  },
  {
    kind: 'choice',
    id: 'l1.c3',
    title: {
      en:
        'A model is trained in pure float16 (no float32 copy), saved as float32, and later cast to bfloat16 for ' +
        'serving. How do the served weights compare with the trained float16 weights, and why?',
      zh: '一个模型纯用 float16 训练（没有 float32 副本），以 float32 保存，之后再转成 bfloat16 部署。部署用的权重与训练出的 float16 权重相比如何？为什么？',
    },
    points: 2,
    minutes: 2,
    choices: [
      {
        en: 'closer to the ideal weights: the float32 step restored the bits float16 had dropped, and bfloat16 keeps most of them',
        zh: '更接近理想权重：转成 float32 时找回了 float16 丢掉的比特，bfloat16 又保住了其中大部分',
      },
      {
        en: 'identical: both are 16-bit formats, and the float32 step in between is exact',
        zh: '完全相同：两者都是 16 位格式，中间转成 float32 又是精确的',
      },
      {
        en: 'the float16 weights rounded once more, to 7 mantissa bits: the float32 step was exact and restored nothing',
        zh: 'float16 权重又被舍入了一次，只剩 7 个尾数位：转成 float32 是精确的，什么也没恢复',
      },
      {
        en: "the same except the largest weights, which overflow bfloat16's narrower range",
        zh: '除最大的权重外都相同，最大的会超出 bfloat16 较窄的范围而上溢',
      },
    ],
    answer: 'c',
  },
  {
    kind: 'choice',
    id: 'l1.c4',
    title: {
      en: 'Both take one byte. Why do FP8 training recipes store gradients as float8 rather than int8?',
      zh: '二者都只占一个字节。为什么 FP8 训练方案用 float8 而不是 int8 存梯度？',
    },
    points: 2,
    minutes: 2,
    choices: [
      {
        en: 'int8 arithmetic is slower than float8 on GPUs',
        zh: 'GPU 上 int8 运算比 float8 慢',
      },
      {
        en: 'int8 needs a scale factor and float8 does not',
        zh: 'int8 需要缩放因子，float8 不需要',
      },
      { en: 'int8 cannot represent negative values', zh: 'int8 不能表示负数' },
      {
        en: "a float's gap grows with the value, so one scale per tensor keeps small gradients; int8's even steps round them to zero",
        zh: '浮点数的间距随数值增长，每个张量一个缩放因子就能保住小梯度；int8 的等距台阶会把它们舍入成 0',
      },
    ],
    answer: 'd',
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
    minutes: 4,
    answer: E3M4FN.maxFinite,
  },
];

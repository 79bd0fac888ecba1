import { decode, getFormat, type FloatFormat } from '../../mp/index';
import { hidden, mistake, shown, type Question, type Uses } from '../question';

const limits = (name: string) => {
  const f = getFormat(name) as FloatFormat;
  return { maxFinite: f.maxFinite, minNormal: f.minNormal, minSubnormal: f.minSubnormal, epsilon: f.epsilon };
};
const exact = { compare: { kind: 'exact' } } as const;
/** The formats by hand: no library (its registry holds these very limits), no package. */
const PLAIN: Uses = {};

/** Wrong formulas for formatLimits(expBits, manBits), each with its hint. */
const bias = (e: number): number => 2 ** (e - 1) - 1;
const LIMITS_MISTAKES = [
  mistake((e: number, m: number) => ({ maxFinite: (2 - 2 ** -m) * 2 ** (bias(e) + 1) }), {
    en: 'maxFinite is too large: the all-ones exponent field is reserved for infinity and NaN, so the largest exponent is 2^expBits − 2 − bias.',
    zh: 'maxFinite 偏大：全 1 的指数域留给无穷大和 NaN，所以最大指数是 2^expBits − 2 − bias。',
  }),
  mistake((e: number) => ({ maxFinite: 2 ** (2 ** e - 2 - bias(e)) }), {
    en: 'maxFinite is a power of two: the largest value also has every mantissa bit set, (2 − 2^−manBits)·2^maxExponent.',
    zh: 'maxFinite 只是 2 的幂：最大值的尾数位也全为 1，即 (2 − 2^−manBits)·2^最大指数。',
  }),
  mistake((e: number) => ({ minSubnormal: 2 ** (1 - bias(e)) }), {
    en: 'minSubnormal is the smallest normal value: below it, exponent field 0 holds the subnormals, down to 2^(1 − bias − manBits).',
    zh: 'minSubnormal 算成了最小正规数：比它更小的还有次正规数（指数域为 0），最小到 2^(1 − bias − manBits)。',
  }),
  mistake((e: number) => ({ minNormal: 2 ** (1 - 2 ** (e - 1)) }), {
    en: 'minNormal is half what it should be: the bias is 2^(expBits−1) − 1, not 2^(expBits−1).',
    zh: 'minNormal 只有正确值的一半：偏置是 2^(expBits−1) − 1，不是 2^(expBits−1)。',
  }),
  mistake((_e: number, m: number) => ({ epsilon: 2 ** -(m + 1) }), {
    en: 'epsilon is half what it should be: 2^−(manBits+1) is the unit roundoff; epsilon is the gap from 1 to the next value, 2^−manBits.',
    zh: 'epsilon 只有正确值的一半：2^−(manBits+1) 是单位舍入误差；epsilon 是 1 到下一个可表示数的间距 2^−manBits。',
  }),
];

/** A float16 code's fields. */
const fields16 = (bits: number) => ({ sign: bits >> 15 ? -1 : 1, exp: (bits >> 10) & 0x1f, man: bits & 0x3ff });
/** decodeFloat16 as written right, but for the part a mistake changes. */
const decode16 = (bits: number, subnormal: (man: number) => number, special: (man: number) => number): number => {
  const { sign, exp, man } = fields16(bits);
  if (exp === 0x1f) return sign * special(man);
  if (exp === 0) return sign * subnormal(man);
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
};
const subnormal16 = (man: number): number => man * 2 ** -24;
const special16 = (man: number): number => (man ? NaN : Infinity);
const DECODE_MISTAKES = [
  mistake((bits: number) => ((bits & 0x7fff) === 0 ? 0 : decode(bits, 'float16')), {
    en: '+0 instead of −0: the sign bit applies to zero too, so 0x8000 is −0.',
    zh: '返回了 +0 而不是 −0：符号位对零同样有效，0x8000 是 −0。',
  }),
  mistake((bits: number) => decode(bits & 0x7fff, 'float16'), {
    en: 'the sign bit was ignored: bit 15 set makes the value negative.',
    zh: '忽略了符号位：第 15 位为 1 时值为负。',
  }),
  mistake((bits: number) => decode16(bits, (m) => (1 + m / 1024) * 2 ** -15, special16), {
    en: 'exponent field 0 has no implicit leading 1: a subnormal is (m/1024)·2^−14.',
    zh: '指数域为 0 时没有隐含的前导 1：次正规数是 (m/1024)·2^−14。',
  }),
  mistake((bits: number) => decode16(bits, (m) => (m / 1024) * 2 ** -15, special16), {
    en: 'the subnormal is half its value: subnormals use the exponent 1 − bias = −14, like the smallest normal, not 0 − bias.',
    zh: '次正规数只有正确值的一半：次正规数的指数是 1 − bias = −14（与最小正规数相同），不是 0 − bias。',
  }),
  mistake((bits: number) => decode16(bits, subnormal16, (m) => (1 + m / 1024) * 2 ** 16), {
    en: 'the all-ones exponent was read as a number: exponent field 31 holds ±infinity (mantissa 0) and NaN (any other mantissa).',
    zh: '把全 1 指数当成了普通数值：指数域为 31 时，尾数为 0 是 ±无穷大，其他尾数是 NaN。',
  }),
  mistake((bits: number) => decode16(bits, subnormal16, () => Infinity), {
    en: 'NaN read as infinity: an all-ones exponent with a non-zero mantissa is NaN.',
    zh: '把 NaN 当成了无穷大：全 1 指数配非零尾数是 NaN。',
  }),
];

const BYTES_MISTAKES = [
  mistake((count: number, bits: number) => (count * bits) / 8, {
    en: 'a fraction of a byte: a half-used byte still takes a whole byte, so round up.',
    zh: '结果出现了半个字节：只用了一半的字节也要占一整个字节，所以要向上取整。',
  }),
  mistake((count: number, bits: number) => Math.floor((count * bits) / 8), {
    en: 'rounded down: the last, partly used byte still counts, so round up.',
    zh: '向下取整了：最后那个没用满的字节也要算上，所以要向上取整。',
  }),
  mistake((count: number, bits: number) => count * Math.ceil(bits / 8), {
    en: 'each value in bytes of its own: packed values share bytes, so count the bits first, then the bytes: ⌈count·bits/8⌉.',
    zh: '每个值单独占整字节：打包存储时多个值共享字节，应先数总位数再换算字节：⌈count·bits/8⌉。',
  }),
];

export const LESSON1: Question[] = [
  {
    kind: 'code',
    id: 'l1.q1',
    title: { en: "A format's limits from its exponent and mantissa bits", zh: '由指数位数和尾数位数求格式的极限' },
    prompt: {
      en: 'The limits of an IEEE-style binary format with `expBits` exponent and `manBits` mantissa bits.',
      zh: '求一种 IEEE 风格二进制格式的各项极限：它有 `expBits` 个指数位和 `manBits` 个尾数位。',
    },
    minutes: 10,
    file: 'lesson1/index.ts',
    export: 'formatLimits',
    uses: PLAIN,
    cases: [
      shown('float16 (5, 10)', [5, 10], limits('float16'), { ...exact, mistakes: LIMITS_MISTAKES }),
      shown('bfloat16 (8, 7)', [8, 7], limits('bfloat16'), { ...exact, mistakes: LIMITS_MISTAKES }),
      hidden('float8_e5m2 (5, 2)', [5, 2], limits('float8_e5m2'), { ...exact, mistakes: LIMITS_MISTAKES }),
      hidden('float8_e3m4 (3, 4)', [3, 4], limits('float8_e3m4'), {
        ...exact,
        mistakes: LIMITS_MISTAKES,
        catches: {
          en: 'the all-ones exponent used for numbers in a format with infinities and NaN',
          zh: '在有无穷大和 NaN 的格式里把全 1 指数当成普通数值',
        },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q2',
    title: { en: 'Decode a float16 bit pattern', zh: '解码 float16 的位模式' },
    prompt: {
      en: 'The value of a float16 bit pattern (0..65535): sign, 5 exponent bits, 10 mantissa bits.',
      zh: '求 float16 位模式（0..65535）表示的值：1 个符号位、5 个指数位、10 个尾数位。',
    },
    minutes: 15,
    file: 'lesson1/index.ts',
    export: 'decodeFloat16',
    uses: PLAIN,
    cases: [
      shown({ en: 'one', zh: '数值 1' }, [0x3c00], decode(0x3c00, 'float16'), { ...exact, mistakes: DECODE_MISTAKES }),
      shown({ en: 'largest finite', zh: '最大有限值' }, [0x7bff], decode(0x7bff, 'float16'), {
        ...exact,
        mistakes: DECODE_MISTAKES,
      }),
      shown({ en: 'negative zero', zh: '负零' }, [0x8000], decode(0x8000, 'float16'), {
        ...exact,
        mistakes: DECODE_MISTAKES,
      }),
      hidden({ en: 'smallest subnormal', zh: '最小次正规数' }, [0x0001], decode(0x0001, 'float16'), {
        ...exact,
        mistakes: DECODE_MISTAKES,
        catches: { en: 'a missing or wrong subnormal branch', zh: '缺少次正规数分支，或者算错了' },
      }),
      hidden({ en: 'negative infinity', zh: '负无穷大' }, [0xfc00], decode(0xfc00, 'float16'), {
        ...exact,
        mistakes: DECODE_MISTAKES,
        catches: { en: 'the all-ones exponent read as a number', zh: '把全 1 指数当成普通数值' },
      }),
      hidden({ en: 'a NaN', zh: '一个 NaN' }, [0x7e01], decode(0x7e01, 'float16'), {
        ...exact,
        mistakes: DECODE_MISTAKES,
        catches: { en: 'NaN not told apart from infinity', zh: '没有区分 NaN 和无穷大' },
      }),
      hidden('-2.5', [0xc100], decode(0xc100, 'float16'), {
        ...exact,
        mistakes: DECODE_MISTAKES,
        catches: { en: 'the sign bit of a normal value', zh: '正规数的符号位' },
      }),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q3',
    title: { en: 'Bytes to store values in a packed format', zh: '紧密打包存储若干个值所需的字节数' },
    prompt: {
      en: 'Bytes to store `count` values in a format of `bits` bits, packed (e.g. float4 packs two per byte).',
      zh: '以 `bits` 位的格式紧密打包存储 `count` 个值所需的字节数（例如 float4 每个字节放两个值）。',
    },
    minutes: 4,
    file: 'lesson1/index.ts',
    export: 'storageBytes',
    uses: PLAIN,
    cases: [
      shown({ en: 'a million float16 values', zh: '一百万个 float16 值' }, [1_000_000, 16], 2_000_000, {
        ...exact,
        mistakes: BYTES_MISTAKES,
      }),
      shown({ en: 'three float4 values', zh: '三个 float4 值' }, [3, 4], Math.ceil((3 * 4) / 8), {
        ...exact,
        mistakes: BYTES_MISTAKES,
      }),
      hidden({ en: 'five float6 values', zh: '五个 float6 值' }, [5, 6], Math.ceil((5 * 6) / 8), {
        ...exact,
        mistakes: BYTES_MISTAKES,
        catches: { en: 'values that share bytes across byte boundaries', zh: '跨越字节边界共享字节的值' },
      }),
      hidden({ en: 'the seed MLP in bfloat16', zh: '种子问题中的 MLP，bfloat16 存储' }, [50890, 16], 101780, exact),
    ],
  },
  {
    kind: 'numeric',
    id: 'l1.c1',
    title: { en: 'What is the largest finite float16 value?', zh: 'float16 能表示的最大有限值是多少？' },
    points: 1,
    minutes: 2,
    answer: getFormat('float16').maxFinite,
  },
  {
    kind: 'numeric',
    id: 'l1.c2',
    title: {
      en: 'How many exponent bits does bfloat16 have (the same as float32)?',
      zh: 'bfloat16 有几个指数位（与 float32 相同）？',
    },
    points: 1,
    minutes: 2,
    answer: (getFormat('bfloat16') as FloatFormat).expBits,
  },
];

/**
 * Lesson 1: the formats themselves. Expected values come from the library's formats (limits, decode, rounding);
 * a format that is not in the registry (six exponent bits, three mantissa bits) is derived from its spec, so
 * that a table of known formats cannot pass.
 */
import { decode, getFormat, roundValue, type FloatFormat } from '../../mp/index';
import { deriveFloat } from '../../mp/formats/spec';
import { hidden, shown, type CodeCase, type Question, type Uses } from '../question';

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

const limits = (f: FloatFormat) => ({
  maxFinite: f.maxFinite,
  minNormal: f.minNormal,
  minSubnormal: f.minSubnormal,
  epsilon: f.epsilon,
});
const limitsCase = (f: FloatFormat, show: boolean): CodeCase =>
  (show ? shown : hidden)(`${f.name} (${f.expBits}, ${f.manBits})`, [f.expBits, f.manBits], limits(f), exact);

/** l1.q2's spec argument for a registry format, and the library's value of `code` in it. */
const SPECIAL = { ieee: 'ieee', 'all-ones': 'fn', none: 'none' } as const;
function decodeCase(name: string, code: number, what: string, show: boolean): CodeCase {
  const f = floatFormat(name);
  const spec = { expBits: f.expBits, manBits: f.manBits, special: SPECIAL[f.nan as keyof typeof SPECIAL] };
  const hex = `0x${code.toString(16)}`;
  return (show ? shown : hidden)(`${name} ${hex}: ${what}`, [code, spec], decode(code, f), exact);
}

/** l1.q3: `x` stored in the IEEE-style format `name`, as the library (bit-identical to ml_dtypes) stores it. */
function roundCase(name: string, x: number, what: string, show: boolean): CodeCase {
  const f = floatFormat(name);
  return (show ? shown : hidden)(`${name}: ${what}`, [x, f.expBits, f.manBits], roundValue(x, f), exact);
}

/** The smallest power of two u with round(w + u) ≠ w in format f, by trying them in turn (l1.q4). */
function smallestChangeOf(w: number, f: FloatFormat): number {
  for (let k = -160; k <= 128; k++) if (roundValue(w + 2 ** k, f) !== w) return 2 ** k;
  throw new Error(`no power of two moves ${w} in ${f.name}`);
}
function changeCase(name: string, w: number, what: string, show: boolean): CodeCase {
  const f = floatFormat(name);
  return (show ? shown : hidden)(`${name}, w = ${what}`, [w, f.expBits, f.manBits], smallestChangeOf(w, f), exact);
}

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
    title: "A format's limits from its exponent and mantissa bits",
    file: 'lesson1/index.ts',
    export: 'formatLimits',
    uses: PLAIN,
    cases: [
      limitsCase(floatFormat('float16'), true),
      limitsCase(floatFormat('bfloat16'), true),
      limitsCase(floatFormat('float8_e5m2'), false),
      limitsCase(floatFormat('float8_e3m4'), false),
      limitsCase(E6M3, false),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q2',
    title: 'Decode a bit pattern of a small float format, given its spec',
    file: 'lesson1/index.ts',
    export: 'decodeFloat',
    uses: PLAIN,
    cases: [
      decodeCase('float16', 0x3c00, 'one', true),
      decodeCase('float16', 0x8000, 'negative zero', true),
      decodeCase('float8_e4m3fn', 0x7e, 'the largest finite value', true),
      decodeCase('float16', 0x0001, 'a subnormal', false),
      decodeCase('bfloat16', 0x0003, 'a subnormal', false),
      decodeCase('float8_e4m3fn', 0x79, 'a code with the all-ones exponent', false),
      decodeCase('float8_e4m3fn', 0xff, 'a NaN', false),
      decodeCase('float8_e5m2', 0xfc, 'an infinity', false),
      decodeCase('float4_e2m1fn', 0x7, 'a code with the all-ones exponent', false),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q3',
    title: 'Round a float32 value into an IEEE-style format',
    file: 'lesson1/index.ts',
    export: 'roundToFormat',
    uses: PLAIN,
    cases: [
      roundCase('float16', 0.1, '0.1', true),
      roundCase('float16', 70_000, '70000', true),
      roundCase('bfloat16', 1 + 2 ** -8, '1 + 2^-8', true),
      roundCase('bfloat16', 1 + 3 * 2 ** -8, 'a value halfway between two neighbours', false),
      roundCase('float16', 65_519, 'a value just above the largest finite one', false),
      roundCase('float16', 65_520, 'a value further above the largest finite one', false),
      roundCase('float16', Math.fround(3e-8), 'a value below the smallest normal', false),
      roundCase('float16', Math.fround(-1e-9), 'a tiny negative value', false),
      roundCase('float8_e4m3', 250, 'a value above the largest finite one', false),
      roundCase('float8_e5m2', Math.fround(0.3), 'an ordinary value', false),
    ],
  },
  {
    kind: 'code',
    id: 'l1.q4',
    title: 'The smallest update that moves a weight stored in a format',
    file: 'lesson1/index.ts',
    export: 'smallestChange',
    uses: PLAIN,
    cases: [
      changeCase('bfloat16', 1, '1', true),
      changeCase('float16', 1, '1', true),
      changeCase('bfloat16', 1 + 2 ** -7, 'the value just above 1', false),
      changeCase('bfloat16', -1, '-1', false),
      changeCase('float16', 0, '0', false),
      changeCase('float16', 65_504, 'the largest finite value', false),
    ],
  },
  {
    kind: 'choice',
    id: 'l1.c1',
    title: 'Why does bfloat16 usually train without loss scaling, while float16 often needs it?',
    points: 2,
    choices: [
      "bfloat16 has float32's 8 exponent bits, so gradients that underflow in float16 are still normal numbers in bfloat16",
      'bfloat16 has more mantissa bits than float16, so small gradients keep more of their precision',
      'lower precision means a smaller range, so bfloat16 has fewer values near the edge of its range',
      'tensor cores accumulate in float32, so no bfloat16 value can underflow',
    ],
    answer:
      "bfloat16 has float32's 8 exponent bits, so gradients that underflow in float16 are still normal numbers in bfloat16",
  },
  {
    kind: 'numeric',
    id: 'l1.c2',
    title:
      'A weight is kept in bfloat16 (no float32 copy) and equals 6. Each of 50 steps adds lr·g = 0.02 and stores ' +
      'the sum in bfloat16 again (round to nearest, ties to even). What is the weight after the 50 steps?',
    points: 3,
    answer: bfloat16Walk(),
  },
  {
    kind: 'choice',
    id: 'l1.c3',
    title: 'After training in bfloat16, the weights are cast to float32. What happens to the test accuracy, and why?',
    points: 1,
    choices: [
      'it does not change: every bfloat16 value is a float32 value, so no weight changes',
      'it rises: float32 has 16 more mantissa bits, so the weights regain their precision',
      'it falls: a cast between formats rounds once more',
      'it rises only for float16, whose narrow range the cast widens',
    ],
    answer: 'it does not change: every bfloat16 value is a float32 value, so no weight changes',
  },
  {
    kind: 'choice',
    id: 'l1.c4',
    title: 'Both take one byte. Why do FP8 training recipes store gradients as float8 rather than int8?',
    points: 2,
    choices: [
      "a float's gap grows with the value, so one scale per tensor keeps small gradients; int8's even steps round them to zero",
      'int8 arithmetic is slower than float8 on GPUs',
      'int8 needs a scale factor and float8 does not',
      'int8 cannot represent negative values',
    ],
    answer:
      "a float's gap grows with the value, so one scale per tensor keeps small gradients; int8's even steps round them to zero",
  },
  {
    kind: 'choice',
    id: 'l1.c5',
    title: "Why is float8_e4m3fn's largest value 448, while the IEEE-style float8_e4m3 stops at 240?",
    points: 2,
    choices: [
      'e4m3fn has no infinity: it uses the all-ones exponent for ordinary numbers and keeps only its all-ones code for NaN',
      'e4m3fn has no subnormals, and the codes they would take hold larger numbers',
      'e4m3fn has a smaller exponent bias',
      'e4m3fn saturates on overflow instead of rounding',
    ],
    answer:
      'e4m3fn has no infinity: it uses the all-ones exponent for ordinary numbers and keeps only its all-ones code for NaN',
  },
];

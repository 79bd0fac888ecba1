/**
 * Format-aware comparison of a submission's output with the expected value, and a sentence that explains
 * a mismatch, in each language: "expected 65504 (max float16), got Infinity at index 3". For a hidden case the
 * sentence holds neither value nor where they differ (the returned value could carry the hidden arguments out):
 * "wrong value".
 */
import { getFormat, type FloatFormat } from '../mp/index';
import { MSG } from './messages';
import { oneLine } from './printable';
import { inLang, joinText, type Lang, type Translated } from './text';

/**
 * Text a submission controls, as feedback shows it: one line of at most 200 characters in a code span, which
 * markdown and HTML show as it is (no heading, link or score line can come out of it).
 */
export function quoted(text: string): string {
  const line = oneLine(text).replace(/`/g, "'");
  return `\`${line.length > 200 ? `${line.slice(0, 199)}…` : line || '(empty)'}\``;
}

export type Comparison =
  | { readonly kind: 'exact' }
  /** equal as float32 values (so −0 ≠ +0; NaN = NaN) */
  | { readonly kind: 'bits' }
  /** within n units in the last place of a format, measured at the expected value */
  | { readonly kind: 'ulps'; readonly format: string; readonly ulps: number }
  | { readonly kind: 'relative'; readonly tolerance: number };

export interface Verdict {
  readonly passed: boolean;
  readonly message: string;
}

const NAMED_FORMATS = ['float16', 'bfloat16', 'float8_e4m3fn', 'float8_e5m2', 'float32'];

const LIMIT_NAMES = [
  ['maxFinite', { en: 'max', zh: '最大值' }],
  ['minNormal', { en: 'smallest normal', zh: '最小正规数' }],
  ['minSubnormal', { en: 'smallest subnormal', zh: '最小次正规数' }],
] as const;

/**
 * "65504 (max float16)": names the special values students meet, to make messages readable.
 *
 *     describeNumber(65504, 'zh') // '65504（float16 最大值）'
 */
export function describeNumber(v: number, lang: Lang = 'en'): string {
  if (Object.is(v, -0)) return '-0';
  const shown = String(v);
  for (const name of NAMED_FORMATS) {
    const f = getFormat(name) as FloatFormat;
    for (const [limit, label] of LIMIT_NAMES) {
      if (Math.abs(v) !== f[limit]) continue;
      const sign = v < 0 ? '−' : '';
      return lang === 'zh' ? `${shown}（${sign}${name} ${label.zh}）` : `${shown} (${sign}${label.en} ${name})`;
    }
  }
  return shown;
}

function ulpOf(x: number, f: FloatFormat): number {
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return 0;
  const e = Math.max(Math.floor(Math.log2(a || f.minNormal)), f.minExp);
  return 2 ** (e - f.manBits);
}

function numbersMatch(expected: number, got: number, c: Comparison): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(got);
  switch (c.kind) {
    case 'exact':
      return Object.is(expected, got);
    case 'bits':
      return Object.is(Math.fround(expected), Math.fround(got));
    case 'ulps': {
      if (!Number.isFinite(expected)) return expected === got;
      return Math.abs(expected - got) <= c.ulps * ulpOf(expected, getFormat(c.format) as FloatFormat);
    }
    case 'relative':
      if (!Number.isFinite(expected)) return expected === got;
      return Math.abs(expected - got) <= c.tolerance * Math.max(Math.abs(expected), Number.MIN_VALUE);
  }
}

/** "a number", "an array of length 3": what a value is. */
function typeName(v: unknown): Translated {
  if (v === null) return { en: 'null', zh: 'null' };
  if (Array.isArray(v)) return MSG.mismatch.arrayOf(v.length);
  return typeof v === 'object' ? MSG.mismatch.object : MSG.mismatch.typed(typeof v);
}

/** Where in the result a mismatch lies, innermost last: 'grads' then 3 is "at index 3 in field 'grads'". */
type Place = readonly (string | number)[];

function at(place: Place): Translated {
  if (!place.length) return { en: '', zh: '' };
  const en = [...place]
    .reverse()
    .map((p) => (typeof p === 'number' ? ` at index ${p}` : ` in field '${p}'`))
    .join('');
  const zh = place.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
  return { en, zh: `（位置：${zh}）` };
}

/**
 * Compares recursively (numbers, strings, booleans, arrays, plain objects) and explains the first mismatch, in
 * every language. Only `expected`'s fields are compared, so a partial object matches any result that agrees on
 * them. Where `hidden`, the explanation is only "wrong value": the returned value's contents, length, type or
 * shape could each carry a hidden case's arguments out.
 */
export function explainMismatch(expected: unknown, got: unknown, c: Comparison, hidden = false): Translated | null {
  const number = (v: number): Translated => ({ en: describeNumber(v, 'en'), zh: describeNumber(v, 'zh') });
  const json = (v: unknown): Translated => ({ en: JSON.stringify(v), zh: JSON.stringify(v) });
  const mismatch = (e: Translated, g: Translated, place: Place): Translated =>
    joinText(MSG.mismatch.expected, e, MSG.mismatch.got, g, at(place));
  const walk = (e: unknown, g: unknown, place: Place): Translated | null => {
    if (typeof e === 'number') {
      if (typeof g !== 'number') return mismatch(number(e), typeName(g), place);
      return numbersMatch(e, g, c) ? null : mismatch(number(e), number(g), place);
    }
    if (Array.isArray(e)) {
      const length = typeName(e);
      if (!Array.isArray(g)) return joinText(MSG.mismatch.expected, length, MSG.mismatch.got, typeName(g), at(place));
      if (g.length !== e.length)
        return joinText(MSG.mismatch.expected, length, MSG.mismatch.gotLength(g.length), at(place));
      for (let i = 0; i < e.length; i++) {
        const m = walk(e[i], g[i], [...place, i]);
        if (m) return m;
      }
      return null;
    }
    if (typeof e === 'object' && e !== null) {
      if (typeof g !== 'object' || g === null || Array.isArray(g))
        return joinText(MSG.mismatch.expectedObject, typeName(g), at(place));
      for (const key of Object.keys(e)) {
        if (!Object.hasOwn(g, key)) return joinText(MSG.mismatch.noField(key), at(place));
        const m = walk((e as Record<string, unknown>)[key], (g as Record<string, unknown>)[key], [...place, key]);
        if (m) return m;
      }
      return null;
    }
    return Object.is(e, g)
      ? null
      : mismatch(
          json(e),
          { en: quoted(JSON.stringify(g) ?? String(g)), zh: quoted(JSON.stringify(g) ?? String(g)) },
          place,
        );
  };
  const found = walk(expected, got, []);
  return hidden && found ? MSG.wrongValue : found;
}

/**
 * Compares as `explainMismatch` does, with its explanation in `lang`.
 *
 *     compare([1, 65504], [1, Infinity], { kind: 'exact' }).message // 'expected 65504 (max float16), got Infinity at index 1'
 */
export function compare(expected: unknown, got: unknown, c: Comparison, hidden = false, lang: Lang = 'en'): Verdict {
  const mismatch = explainMismatch(expected, got, c, hidden);
  return mismatch === null
    ? { passed: true, message: inLang(MSG.correct, lang) }
    : { passed: false, message: inLang(mismatch, lang) };
}

/**
 * Format-aware comparison of a submission's output with the expected value, and a sentence that explains
 * a mismatch: "expected 65504 (max float16), got Infinity at index 3". For a hidden case the sentence holds
 * neither value nor where they differ (the returned value could carry the hidden arguments out): "wrong value".
 */
import { getFormat, type FloatFormat } from '../mp/index';

/**
 * Text a submission controls, as feedback shows it: one line of at most 200 characters in a code span, which
 * markdown and HTML show as it is (no heading, link or score line can come out of it).
 */
export function quoted(text: string): string {
  const line = text
    .replace(/[\s\u0000-\u001f\u007f]+/g, ' ')
    .replace(/`/g, "'")
    .trim();
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

/** "65504 (max float16)": names the special values students meet, to make messages readable. */
export function describeNumber(v: number): string {
  if (Object.is(v, -0)) return '-0';
  const shown = String(v);
  for (const name of NAMED_FORMATS) {
    const f = getFormat(name) as FloatFormat;
    for (const [value, label] of [
      [f.maxFinite, 'max'],
      [f.minNormal, 'smallest normal'],
      [f.minSubnormal, 'smallest subnormal'],
    ] as const) {
      if (Math.abs(v) === value) return `${shown} (${v < 0 ? '−' : ''}${label} ${name})`;
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

function typeName(v: unknown, hidden: boolean): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return hidden ? 'an array' : `an array of length ${v.length}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Compares recursively (numbers, strings, booleans, arrays, plain objects) and explains the first mismatch.
 * `hidden` keeps both values, lengths and positions out of the message.
 */
export function compare(expected: unknown, got: unknown, c: Comparison, hidden = false): Verdict {
  const want = (v: unknown): string => `expected ${typeof v === 'number' ? describeNumber(v) : JSON.stringify(v)}, `;
  const wrong = (e: unknown, shown: string, where: string): string =>
    hidden ? 'wrong value' : `${want(e)}got ${shown}${where}`;
  const walk = (e: unknown, g: unknown, where: string): string | null => {
    if (typeof e === 'number') {
      if (typeof g !== 'number')
        return hidden ? `expected a number, got ${typeName(g, true)}` : `${want(e)}got ${typeName(g, false)}${where}`;
      return numbersMatch(e, g, c) ? null : wrong(e, describeNumber(g), where);
    }
    if (Array.isArray(e)) {
      const length = hidden ? 'an array' : `an array of length ${e.length}`;
      if (!Array.isArray(g)) return `expected ${length}, got ${typeName(g, hidden)}${hidden ? '' : where}`;
      if (g.length !== e.length)
        return hidden ? 'an array of the wrong length' : `expected ${length}, got length ${g.length}${where}`;
      for (let i = 0; i < e.length; i++) {
        const m = walk(e[i], g[i], ` at index ${i}${where}`);
        if (m) return m;
      }
      return null;
    }
    if (typeof e === 'object' && e !== null) {
      if (typeof g !== 'object' || g === null || Array.isArray(g))
        return `expected an object, got ${typeName(g, hidden)}${hidden ? '' : where}`;
      for (const key of Object.keys(e)) {
        if (!Object.hasOwn(g, key)) return `the result has no field '${key}'${hidden ? '' : where}`;
        const m = walk(
          (e as Record<string, unknown>)[key],
          (g as Record<string, unknown>)[key],
          ` in field '${key}'${where}`,
        );
        if (m) return m;
      }
      return null;
    }
    return Object.is(e, g) ? null : wrong(e, quoted(JSON.stringify(g) ?? String(g)), where);
  };
  const mismatch = walk(expected, got, '');
  return mismatch === null ? { passed: true, message: 'correct' } : { passed: false, message: mismatch };
}

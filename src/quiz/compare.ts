/**
 * Format-aware comparison of a submission's output with the expected value, and a sentence that explains
 * a mismatch: "expected 65504 (max float16), got Infinity at index 3". For hidden cases the expected value
 * is never put into the sentence.
 */
import { getFormat, type FloatFormat } from '../mp/index';

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

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Compares recursively (numbers, strings, booleans, arrays, plain objects) and explains the first mismatch.
 * `hideExpected` keeps the expected value out of the message (hidden cases).
 */
export function compare(expected: unknown, got: unknown, c: Comparison, hideExpected = false): Verdict {
  const want = (v: unknown): string =>
    hideExpected ? '' : `expected ${typeof v === 'number' ? describeNumber(v) : JSON.stringify(v)}, `;
  const walk = (e: unknown, g: unknown, where: string): string | null => {
    if (typeof e === 'number') {
      if (typeof g !== 'number') return `${want(e)}got ${typeName(g)}${where}`;
      return numbersMatch(e, g, c) ? null : `${want(e)}got ${describeNumber(g)}${where}`;
    }
    if (Array.isArray(e)) {
      if (!Array.isArray(g)) return `expected an array of length ${e.length}, got ${typeName(g)}${where}`;
      if (g.length !== e.length) return `expected an array of length ${e.length}, got length ${g.length}${where}`;
      for (let i = 0; i < e.length; i++) {
        const m = walk(e[i], g[i], ` at index ${i}${where}`);
        if (m) return m;
      }
      return null;
    }
    if (typeof e === 'object' && e !== null) {
      if (typeof g !== 'object' || g === null || Array.isArray(g))
        return `expected an object, got ${typeName(g)}${where}`;
      for (const key of Object.keys(e)) {
        if (!(key in g)) return `the result has no field '${key}'${where}`;
        const m = walk(
          (e as Record<string, unknown>)[key],
          (g as Record<string, unknown>)[key],
          ` in field '${key}'${where}`,
        );
        if (m) return m;
      }
      return null;
    }
    return Object.is(e, g) ? null : `${want(e)}got ${JSON.stringify(g)}${where}`;
  };
  const mismatch = walk(expected, got, '');
  return mismatch === null
    ? { passed: true, message: 'correct' }
    : { passed: false, message: mismatch.replace(/, $/, '') };
}

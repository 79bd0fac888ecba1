/**
 * JSON with the numbers JSON cannot hold (NaN, ±Infinity, −0), for the arguments and results that cross the
 * sandbox's pipes. What comes back from a sandbox is read with `readWire`, which refuses text too long or
 * nested too deep to handle and never throws.
 */

export function toWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)))
      return { $num: Object.is(v, -0) ? '-0' : String(v) };
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

export function fromWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && Object.hasOwn(v, '$num')) return Number((v as { $num: unknown }).$num);
    return v;
  });
}

/** The most nesting a result may have: far more than any answer needs, far less than a stack can take. */
export const MAX_DEPTH = 64;

/** How deeply `text`'s arrays and objects nest (brackets inside strings do not count). */
function nesting(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** A value from a sandbox, or why it is not one: never throws, whatever the text. */
export function readWire(text: unknown, maxChars: number): { value: unknown } | { problem: string } {
  if (typeof text !== 'string') return { problem: 'no value' };
  if (text.length > maxChars) return { problem: `a value of more than ${maxChars} characters` };
  if (nesting(text) > MAX_DEPTH) return { problem: `a value nested more than ${MAX_DEPTH} levels deep` };
  try {
    return { value: fromWire(text) };
  } catch {
    return { problem: 'a value that is not JSON' };
  }
}

/**
 * Which known wrong answers (the case's misconceptions) an answer matches: the hints a failed case shows. A value
 * matches as the case compares (a partial object on its own fields); a test looks at one property of the answer.
 */
import { explainMismatch } from './compare';
import type { AnswerTest, CodeCase, Misconception } from './question';
import type { Text } from './text';

/**
 * The hints of every misconception of `c` that `answer` matches, in the case's order.
 *
 *     matchingHints(c, 131008) // ['maxFinite is too large: the all-ones exponent is reserved …']
 */
export function matchingHints(c: CodeCase, answer: unknown): Text[] {
  return (c.misconceptions ?? []).filter((m) => matches(m, c, answer)).map((m) => m.hint);
}

function matches(m: Misconception, c: CodeCase, answer: unknown): boolean {
  if ('value' in m) return explainMismatch(m.value, answer, m.compare ?? c.compare ?? { kind: 'exact' }) === null;
  return passes(m.test, c.expected, answer);
}

/** The part of a value a path names ('grads.1'), or undefined where there is none. */
function part(value: unknown, at: string | undefined): unknown {
  if (!at) return value;
  return at.split('.').reduce<unknown>((v, key) => {
    if (typeof v !== 'object' || v === null) return undefined;
    return Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
  }, value);
}

/** Whether a value holds ±Infinity or NaN anywhere. */
function nonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(nonFinite);
}

function passes(test: AnswerTest, expected: unknown, answer: unknown): boolean {
  const [want, got] = [part(expected, test.at), part(answer, test.at)];
  switch (test.kind) {
    case 'above':
      return typeof want === 'number' && typeof got === 'number' && got > want;
    case 'below':
      return typeof want === 'number' && typeof got === 'number' && got < want;
    case 'nonFinite':
      return got !== undefined && nonFinite(got) && !nonFinite(want);
  }
}

/**
 * Questions as data. A coding question names an exported function of a lesson's exercise file and lists
 * cases: arguments, the expected result and how to compare. A concept question has one answer: a number
 * or one of several choices. Expected values never come from the reference solutions: they are computed
 * by the library (src/mp) wherever it has the answer (formats, codes, memory plans, loss scalers), and
 * otherwise by a short independent formula in the question file itself, written for the grader (arithmetic
 * intensity and the budgeted subset in lesson 5, the MX scale exponent in lesson 6, the master-weight step
 * and the scaler's good-step count in lesson 4).
 */
import { explainMismatch, type Comparison } from './compare';
import type { JudgeSpec } from './judges';
import type { Text } from './text';

/**
 * A known wrong answer, and the hint a student gets for it. `value`: what a named wrong formula returns for the
 * case's arguments, computed in the question file by that formula (`mistake`), compared as the case compares
 * unless `compare` says otherwise; a partial object matches every answer that agrees on its fields. `test`: a
 * property of the answer itself. Both are data, so a release's bank carries them for its public cases.
 */
export type Misconception =
  | { readonly value: unknown; readonly compare?: Comparison; readonly hint: Text }
  | { readonly test: AnswerTest; readonly hint: Text };

/**
 * A property of an answer relative to the expected value, at `at` (a path of fields and indexes, 'grads.1'; the
 * whole answer without it): a number larger or smaller than expected, or a non-finite number (±Infinity, NaN)
 * anywhere in it where the expected value has none.
 */
export interface AnswerTest {
  readonly kind: 'above' | 'below' | 'nonFinite';
  readonly at?: string;
}

export interface CodeCase {
  /** What the case tries, as feedback names it ('a tie rounds to even'). */
  readonly name: Text;
  readonly points: number;
  /** Hidden cases are left out of the student release, and feedback never shows their expected value. */
  readonly hidden: boolean;
  /** Arguments, JSON-serialisable (numbers may be NaN, ±Infinity, −0). */
  readonly args: readonly unknown[];
  readonly expected: unknown;
  readonly compare?: Comparison;
  /**
   * The known wrong answers the case recognises. A wrong answer that matches one gets its hint after the
   * comparison's explanation; one that matches none gets the explanation alone. A timeout, a crash or an
   * exception gets no hint: none of them says which mistake it was.
   */
  readonly misconceptions?: readonly Misconception[];
  /** For a hidden case: the misconception it exists to catch, shown when it fails on a wrong value (never its input). */
  readonly catches?: Text;
  /**
   * For an open, measured task: the judge (judges.ts) that grades the returned value by what it achieves, in
   * place of `expected`; the case earns its points times the judge's score.
   */
  readonly judge?: JudgeSpec;
}

/**
 * What a coding question's function may use, when the question says: the library modules and packages listed
 * here, with everything they import. The question's cases then run in a sandbox whose staged library holds
 * only those modules (and whose node_modules holds only those packages), without the platform's float16
 * conversions: whatever else the code reaches is absent, not merely forbidden.
 */
export interface Uses {
  /** Library modules by path under src/mp ('formats/registry'), or folders ('formats': every module in it). */
  readonly library?: readonly string[];
  /** npm packages, e.g. '@tensorflow/tfjs'. */
  readonly packages?: readonly string[];
}

/**
 * Points a question may give per minute it is expected to take: points follow difficulty, measured as the time
 * a student needs (test/quiz/authoring.test.ts holds every question to it).
 */
export const POINTS_PER_MINUTE = { min: 0.2, max: 1 } as const;

export interface CodeQuestion {
  readonly kind: 'code';
  readonly id: string;
  readonly title: Text;
  /** The expected time to solve it, in minutes, from the stub, after the lesson (the guide's tables show it). */
  readonly minutes: number;
  /**
   * The task as the student reads it in the exercise's doc comment, which `npm run exercises` writes into the
   * stub (both languages); without it, the stub keeps the reference solution's doc comment.
   */
  readonly prompt?: Text;
  /** The exercise file, relative to the submission folder (e.g. 'lesson1/index.ts'), and the export graded. */
  readonly file: string;
  readonly export: string;
  readonly cases: readonly CodeCase[];
  /** What the function may use; without it, everything the library and its packages offer. */
  readonly uses?: Uses;
  /** In a student release: how many hidden cases, worth how many points, the instructor's grading adds. */
  readonly hiddenCases?: number;
  readonly hiddenPoints?: number;
}

export interface ConceptQuestion {
  readonly kind: 'numeric' | 'choice';
  readonly id: string;
  /** The question itself, as check() and the answer sheet show it. */
  readonly title: Text;
  readonly points: number;
  /** The expected time to answer it, in minutes. */
  readonly minutes: number;
  /**
   * For choice questions: the choices, lettered a, b, c… wherever they are shown (check(), the answer sheet).
   * Students answer with the letter, or with a choice's text in any language.
   */
  readonly choices?: readonly Text[];
  /** The answer (instructor side only): a number, or a choice question's letter; the release stores only its hash. */
  readonly answer?: number | string;
  /** sha256 of the normalised answer, in the release. */
  readonly answerHash?: string;
}

export type Question = CodeQuestion | ConceptQuestion;

export const pointsOf = (q: Question): number =>
  q.kind === 'code' ? q.cases.reduce((s, c) => s + c.points, 0) : q.points;

/** A wrong formula a student may write, and the hint for what it returns: `mistake(formula, hint)`. */
export interface Mistake {
  readonly formula: (...args: never[]) => unknown;
  readonly hint: Text;
  readonly compare?: Comparison;
}

/**
 * A wrong formula and its hint, written once per question and listed in each case's `mistakes`: the case holds
 * the value the formula gives for its arguments.
 *
 *     const noSubnormals = mistake((e: number, m: number) => ({ minSubnormal: 2 ** (2 - 2 ** (e - 1)) }), {
 *       en: 'minSubnormal is the smallest normal: below it, exponent field 0 gives subnormals.',
 *       zh: 'minSubnormal 算成了最小正规数：指数域为 0 时还有次正规数。',
 *     });
 *     shown('float16 (5, 10)', [5, 10], limits('float16'), { mistakes: [noSubnormals] });
 */
export function mistake<A extends unknown[]>(
  formula: (...args: A) => unknown,
  hint: Text,
  compare?: Comparison,
): Mistake {
  return { formula: formula as (...args: never[]) => unknown, hint, ...(compare ? { compare } : {}) };
}

/** A case's options: anything of a case, and the wrong formulas whose values it recognises. */
export type CaseOptions = Partial<CodeCase> & { readonly mistakes?: readonly Mistake[] };

/**
 * Shorthand for a case. Each of `mistakes` becomes a misconception holding the value its formula gives for
 * `args`, except where that value is the expected one (no wrong answer could match it).
 */
export function shown(name: Text, args: unknown[], expected: unknown, more: CaseOptions = {}): CodeCase {
  const { mistakes = [], ...rest } = more;
  const compare = rest.compare ?? { kind: 'exact' as const };
  const computed = mistakes
    .map((m): Misconception => ({
      value: m.formula(...(args as never[])),
      hint: m.hint,
      ...(m.compare ? { compare: m.compare } : {}),
    }))
    .filter((m) => 'value' in m && explainMismatch(m.value, expected, m.compare ?? compare) !== null);
  const misconceptions = [...(rest.misconceptions ?? []), ...computed];
  return {
    name,
    points: 1,
    hidden: false,
    args,
    expected,
    ...rest,
    ...(misconceptions.length ? { misconceptions } : {}),
  };
}

/** The same, hidden. */
export function hidden(name: Text, args: unknown[], expected: unknown, more: CaseOptions = {}): CodeCase {
  return shown(name, args, expected, { ...more, hidden: true });
}

/**
 * A public judged case: the returned value is graded by `judge` (judgedBy in judges.ts), not matched.
 *
 *     judged('the smallest loss scale', [], judgedBy('numberInRange', { lo: 512, hi: 512 }), { points: 3 })
 */
export function judged(name: Text, args: unknown[], judge: JudgeSpec, more: CaseOptions = {}): CodeCase {
  return shown(name, args, undefined, { ...more, judge });
}

/**
 * Questions as data. A coding question names an exported function of a lesson's exercise file and lists
 * cases: arguments, the expected result and how to compare. A concept question has one answer: a number
 * or one of several choices. Expected values never come from the reference solutions: they are computed
 * by the library (src/mp) wherever it has the answer (formats, codes, memory plans, loss scalers), and
 * otherwise by a short independent formula in the question file itself, written for the grader (arithmetic
 * intensity and the budgeted subset in lesson 5, the MX scale exponent in lesson 6, the master-weight step
 * and the scaler's good-step count in lesson 4).
 */
import type { Comparison } from './compare';
import type { Text } from './text';

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
  /** Shown when the case fails (a hint); the comparison's explanation is added to it. */
  readonly failureMessage?: Text;
  readonly successMessage?: Text;
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

export interface CodeQuestion {
  readonly kind: 'code';
  readonly id: string;
  readonly title: Text;
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
  /** For choice questions. */
  readonly choices?: readonly Text[];
  /** The answer (instructor side only); the release stores only its hash. */
  readonly answer?: number | string;
  /** sha256 of the normalised answer, in the release. */
  readonly answerHash?: string;
}

export type Question = CodeQuestion | ConceptQuestion;

export const pointsOf = (q: Question): number =>
  q.kind === 'code' ? q.cases.reduce((s, c) => s + c.points, 0) : q.points;

/** Shorthand for a case. */
export function shown(name: Text, args: unknown[], expected: unknown, more: Partial<CodeCase> = {}): CodeCase {
  return { name, points: 1, hidden: false, args, expected, ...more };
}

/** The same, hidden. */
export function hidden(name: Text, args: unknown[], expected: unknown, more: Partial<CodeCase> = {}): CodeCase {
  return shown(name, args, expected, { ...more, hidden: true });
}

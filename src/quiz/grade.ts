/** Grading a submission folder: code questions through the isolated runner, concept questions from answers.json. */
import * as fs from 'fs';
import * as path from 'path';
import { answerHash } from './answers';
import { loadQuestions } from './bank';
import { compare } from './compare';
import { pointsOf, type CodeCase, type CodeQuestion, type ConceptQuestion, type Question } from './question';
import { runCalls, type CallOutcome } from './runner';
import { decode } from './wire';

export interface CaseResult {
  readonly name: string;
  readonly points: number;
  readonly earned: number;
  readonly passed: boolean;
  readonly hidden: boolean;
  readonly message: string;
}

export interface QuestionResult {
  readonly id: string;
  readonly title: string;
  readonly kind: Question['kind'];
  readonly points: number;
  readonly earned: number;
  readonly cases: CaseResult[];
}

export interface Report {
  readonly student: string;
  readonly submission: string;
  readonly questions: QuestionResult[];
  readonly earned: number;
  readonly points: number;
  readonly gradedAt: string;
}

export interface GradeOptions {
  readonly student?: string;
  /** Grade only these question ids. */
  readonly only?: readonly string[];
  /** Per-case time limit in ms (default 2000) and the child's heap limit in MB (default 256). */
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
}

/** What a finished call means for one case. */
export function judge(c: CodeCase, outcome: CallOutcome): CaseResult {
  const base = { name: c.name, points: c.points, hidden: c.hidden };
  const fail = (why: string): CaseResult => ({
    ...base,
    earned: 0,
    passed: false,
    message: c.failureMessage ? `${why}. Hint: ${c.failureMessage}` : why,
  });
  switch (outcome.status) {
    case 'timeout':
    case 'crash':
      return fail(outcome.detail!);
    case 'error': {
      const { name, message } = outcome.error!;
      if (name === 'NotImplementedError') return { ...base, earned: 0, passed: false, message: 'not implemented yet' };
      if (/allocation failed|Invalid array length|Invalid typed array length/i.test(message)) {
        return fail(`ran out of memory: ${name}: ${message}`);
      }
      return fail(`threw ${name}: ${message}`);
    }
    case 'ok': {
      if (outcome.type === 'function' || outcome.type === 'undefined')
        return fail(`returned ${outcome.type}, not a value`);
      if (outcome.leaked! > 0)
        return fail(`leaked ${outcome.leaked} tensor(s): wrap tensor work in tf.tidy or dispose what you create`);
      if (outcome.mutated) return fail('changed its input arguments: work on a copy');
      const verdict = compare(c.expected, decode(outcome.value!), c.compare ?? { kind: 'exact' }, c.hidden);
      if (!verdict.passed) return fail(verdict.message);
      return { ...base, earned: c.points, passed: true, message: c.successMessage ?? 'correct' };
    }
  }
}

/** Grades a concept answer against the answer, or, in a student release, against its hash. */
export function gradeConcept(q: ConceptQuestion, answer: unknown): CaseResult {
  const base = { name: 'answer', points: q.points, hidden: false };
  if (answer === undefined) return { ...base, earned: 0, passed: false, message: 'no answer given' };
  const right =
    q.answer !== undefined
      ? answerHash(q.id, answer) === answerHash(q.id, q.answer)
      : answerHash(q.id, answer) === q.answerHash;
  return right
    ? { ...base, earned: q.points, passed: true, message: 'correct' }
    : { ...base, earned: 0, passed: false, message: 'not the expected answer' };
}

/** Grades a folder laid out like exercises/ (lesson1/index.ts, …), with concept answers in answers.json. */
export async function gradeSubmission(dir: string, options: GradeOptions = {}): Promise<Report> {
  const answersFile = path.join(dir, 'answers.json');
  const answers = fs.existsSync(answersFile)
    ? (JSON.parse(fs.readFileSync(answersFile, 'utf8')) as Record<string, unknown>)
    : {};
  const questions = loadQuestions().filter((q) => !options.only || options.only.includes(q.id));
  // All code cases in one isolated run; a missing file fails its question's cases without a call.
  const code = questions.filter((q): q is CodeQuestion => q.kind === 'code' && fs.existsSync(path.join(dir, q.file)));
  const calls = code.flatMap((q) =>
    q.cases.map((c) => ({ file: path.join(dir, q.file), export: q.export, args: c.args })),
  );
  const outcomes = await runCalls(calls, { timeoutMs: options.timeoutMs ?? 2000, memoryMb: options.memoryMb ?? 256 });
  let next = 0;
  const results: QuestionResult[] = questions.map((q) => {
    let cases: CaseResult[];
    if (q.kind !== 'code') cases = [gradeConcept(q, answers[q.id])];
    else if (!code.includes(q))
      cases = q.cases.map((c) => ({
        name: c.name,
        points: c.points,
        earned: 0,
        passed: false,
        hidden: c.hidden,
        message: `missing file ${q.file}`,
      }));
    else cases = q.cases.map((c) => judge(c, outcomes[next++]!));
    return {
      id: q.id,
      title: q.title,
      kind: q.kind,
      points: pointsOf(q),
      earned: cases.reduce((s, c) => s + c.earned, 0),
      cases,
    };
  });
  return {
    student: options.student ?? path.basename(path.resolve(dir)),
    submission: path.resolve(dir),
    questions: results,
    earned: results.reduce((s, r) => s + r.earned, 0),
    points: results.reduce((s, r) => s + r.points, 0),
    gradedAt: new Date().toISOString(),
  };
}

/**
 * What outcomes mean for points, and how feedback says it: per case (judge), per question (a forbidden call
 * or a denied access costs the whole question), per file (a load failure) and for concept answers.
 */
import { answerHash } from './answers';
import { compare } from './compare';
import { forbiddenReason } from './forbidden';
import type { Failure } from './protocol';
import { pointsOf, type CodeCase, type CodeQuestion, type ConceptQuestion } from './question';
import type { CallOutcome } from './runner';
import { fromWire } from './wire';

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
  readonly kind: 'code' | 'numeric' | 'choice';
  readonly points: number;
  readonly earned: number;
  readonly cases: CaseResult[];
  /** Set when the whole question scores 0 for one reason: "l3.q1 uses `roundArray` from the library, …: 0/7". */
  readonly problem?: string;
}

const shortPath = (p: string | undefined): string =>
  p ? `…/${p.split(/[\\/]/).filter(Boolean).slice(-2).join('/')}` : 'a path outside it';

/** A sandbox denial in a student's words; undefined when the error is not one. */
export function deniedReason(e: Failure): string | undefined {
  if (e.code === 'ERR_DLOPEN_DISABLED') return 'your code tried to load a native addon, which grading does not allow';
  if (e.code !== 'ERR_ACCESS_DENIED') return undefined;
  switch (e.permission) {
    case 'FileSystemRead':
      return `your code tried to read a file outside your submission (${shortPath(e.resource)})`;
    case 'FileSystemWrite':
      return `your code tried to write a file (${shortPath(e.resource)}), which grading does not allow`;
    case 'ChildProcess':
      return 'your code tried to start a process (child_process), which grading does not allow';
    case 'WorkerThreads':
      return 'your code tried to start a worker thread, which grading does not allow';
    default:
      return `your code tried to use ${e.permission ?? 'a restricted API'}, which grading does not allow`;
  }
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
      const verdict = compare(c.expected, fromWire(outcome.value!), c.compare ?? { kind: 'exact' }, c.hidden);
      if (!verdict.passed) return fail(verdict.message);
      return { ...base, earned: c.points, passed: true, message: c.successMessage ?? 'correct' };
    }
  }
}

/** Every case of the question at 0, with one message (a missing file, a file that did not load). */
export function allCasesFail(q: CodeQuestion, message: string): QuestionResult {
  const cases = q.cases.map((c) => ({
    name: c.name,
    points: c.points,
    earned: 0,
    passed: false,
    hidden: c.hidden,
    message,
  }));
  return { id: q.id, title: q.title, kind: q.kind, points: pointsOf(q), earned: 0, cases };
}

/** The whole question at 0 for one reason that feedback states once (a forbidden call, a denied access). */
export function questionProblem(q: CodeQuestion, reason: string): QuestionResult {
  const problem = reason.startsWith('your code')
    ? `${q.id}: ${reason}: 0 points`
    : `${q.id} ${reason}: 0/${pointsOf(q)}`;
  return { ...allCasesFail(q, reason), problem };
}

/** A question's result from its cases' outcomes: the tripwire and sandbox denials cost the whole question. */
export function judgeQuestion(q: CodeQuestion, outcomes: readonly CallOutcome[]): QuestionResult {
  const tripped = outcomes.flatMap((o) => o.tripped ?? [])[0];
  if (tripped) return questionProblem(q, forbiddenReason(tripped));
  const denied = outcomes.map((o) => (o.error ? deniedReason(o.error) : undefined)).find((r) => r);
  if (denied) return questionProblem(q, denied);
  const cases = q.cases.map((c, i) => judge(c, outcomes[i]!));
  return {
    id: q.id,
    title: q.title,
    kind: q.kind,
    points: pointsOf(q),
    earned: cases.reduce((s, c) => s + c.earned, 0),
    cases,
  };
}

/** Why a file did not load, once for the file: "lesson5/index.ts did not load: threw Error: …". */
export function loadFailureMessage(file: string, outcome: CallOutcome): string {
  if (outcome.status === 'timeout') return `${file} ${outcome.detail}`;
  if (outcome.status !== 'error') return `${file} did not load: ${outcome.detail}`;
  const e = outcome.error!;
  if (e.name === 'CompileError') return `${file} does not compile: ${e.message}`;
  if (e.name === 'Tampering') return `${file} did not load: ${e.message}`;
  return `${file} did not load: ${deniedReason(e) ?? `threw ${e.name}: ${e.message}`}`;
}

/** Grades a concept answer against the answer, or, in a student release, against its hash. */
export function gradeConcept(q: ConceptQuestion, answer: unknown): CaseResult {
  const base = { name: 'answer', points: q.points, hidden: false };
  if (answer === undefined || answer === null) return { ...base, earned: 0, passed: false, message: 'no answer given' };
  const right =
    q.answer !== undefined
      ? answerHash(q.id, answer) === answerHash(q.id, q.answer)
      : answerHash(q.id, answer) === q.answerHash;
  return right
    ? { ...base, earned: q.points, passed: true, message: 'correct' }
    : { ...base, earned: 0, passed: false, message: 'not the expected answer' };
}

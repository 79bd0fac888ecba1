/**
 * What outcomes mean for points, and how feedback says it: per case (judge), per question (using what the
 * question does not allow, or a denied access, costs the whole question), per file (a load failure) and for
 * concept answers. Text the submission controls (an error message, a returned string) appears only for
 * public cases, quoted and cut to one short line; a hidden case's feedback holds only the grader's words,
 * since a returned value or an error could carry the hidden arguments out.
 */
import * as path from 'path';
import { nodeModulesDir, ruleText } from './allowed';
import { ANSWER_RECORDED, answerHash, courseKey, normaliseAnswer } from './answers';
import { compare, quoted } from './compare';
import type { Failure } from './protocol';
import { pointsOf, type CodeCase, type CodeQuestion, type ConceptQuestion } from './question';
import type { CallOutcome } from './runner';
import { INSIDE } from './sandbox';
import { stageRoot } from './stage';

const REPOSITORY = path.join(__dirname, '../..');

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
  /** Set when the whole question scores 0 for one reason: "l3.q1 uses `roundArray`, which this exercise …: 0/7". */
  readonly problem?: string;
}

const shortPath = (p: string | undefined): string =>
  p ? quoted(`…/${p.split(/[\\/]/).filter(Boolean).slice(-2).join('/')}`) : 'a path outside it';

/** A sandbox denial in a student's words; undefined when the error is not one. `showPath`: say which file. */
export function deniedReason(e: Failure, showPath = true): string | undefined {
  if (e.code === 'ERR_DLOPEN_DISABLED') return 'your code tried to load a native addon, which grading does not allow';
  if (e.code !== 'ERR_ACCESS_DENIED') return undefined;
  const which = (p: string | undefined): string => (showPath ? ` (${shortPath(p)})` : '');
  switch (e.permission) {
    case 'FileSystemRead':
      return `your code tried to read a file outside your submission${which(e.resource)}`;
    case 'FileSystemWrite':
      return `your code tried to write a file${which(e.resource)}, which grading does not allow`;
    case 'ChildProcess':
      return 'your code tried to start a process (child_process), which grading does not allow';
    case 'WorkerThreads':
      return 'your code tried to start a worker thread, which grading does not allow';
    default:
      return 'your code tried to use an API that grading does not allow';
  }
}

/** 'lesson1/index.ts:12', if the harness's report of where an error was thrown has that shape. */
const place = (at: string | undefined): string => (at && /^[\w.\-/]{1,100}\.ts:\d{1,6}$/.test(at) ? ` at ${at}` : '');

/** The grader's own folders (the stage, the sandbox's view, the repository), as '…/' in what feedback shows. */
function withoutPaths(text: string): string {
  const roots = [INSIDE, stageRoot(), REPOSITORY, nodeModulesDir()].filter((r): r is string => !!r);
  return roots.reduce((t, root) => t.split(`${root}${path.sep}`).join('…/').split(`${root}/`).join('…/'), text);
}

/** An error as public feedback shows it: "threw `RangeError: bits must be 8` at lesson1/index.ts:3". */
function thrown(e: Failure): string {
  return `threw ${quoted(withoutPaths(`${e.name}: ${e.message}`))}${place(e.at)}`;
}

const MEMORY = /allocation failed|Invalid array length|Invalid typed array length/i;
/** The harness's report of a change at load (tamper.ts names what changed); anything else is shown quoted. */
const TAMPERING =
  /^it changed (the built-in|the library's) `[\w$.[\]]{1,80}` while loading, which grading does not allow$/;

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
      return fail(outcome.detail!);
    case 'crash': {
      const detail = outcome.detail!;
      // an exit code or a signal is the submission's choice: a hidden case shows neither
      return fail(c.hidden && detail.startsWith('the process ended') ? 'the process ended during the call' : detail);
    }
    case 'error': {
      const e = outcome.error!;
      if (e.name === 'NotImplementedError')
        return { ...base, earned: 0, passed: false, message: 'not implemented yet' };
      if (MEMORY.test(e.message)) return fail(c.hidden ? 'ran out of memory' : `ran out of memory: ${thrown(e)}`);
      if (e.name === 'UnsendableValue')
        return fail(
          `returned a value that cannot be sent back${c.hidden ? '' : `: ${quoted(withoutPaths(e.message))}`}`,
        );
      return fail(c.hidden ? 'threw an error' : thrown(e));
    }
    case 'ok': {
      if (outcome.type === 'function' || outcome.type === 'undefined')
        return fail(`returned ${outcome.type}, not a value`);
      if (outcome.leaked! > 0) {
        const count = c.hidden ? 'tensors' : `${outcome.leaked} tensor(s)`;
        return fail(`leaked ${count}: wrap tensor work in tf.tidy or dispose what you create`);
      }
      if (outcome.mutated) return fail('changed its input arguments: work on a copy');
      const verdict = compare(c.expected, outcome.value, c.compare ?? { kind: 'exact' }, c.hidden);
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

/** The whole question at 0 for one reason that feedback states once (something not allowed, a denied access). */
export function questionProblem(q: CodeQuestion, reason: string): QuestionResult {
  const problem = reason.startsWith('your code')
    ? `${q.id}: ${reason}: 0 points`
    : `${q.id} ${reason}: 0/${pointsOf(q)}`;
  return { ...allCasesFail(q, reason), problem };
}

/** A name the submission used, if it reads as one (an export, a member of one), else a neutral phrase. */
const usedName = (absent: string | undefined): string =>
  absent && /^[\w$@/.-]{1,80}$/.test(absent) ? `\`${absent}\`` : 'something';

/**
 * A question's result from its cases' outcomes. Using what the question does not allow (the stub of an absent
 * module threw) or a denied access costs the whole question; what was used is named only when a public case
 * shows it.
 */
export function judgeQuestion(q: CodeQuestion, outcomes: readonly CallOutcome[]): QuestionResult {
  const shown = (i: number): boolean => !q.cases[i]?.hidden;
  const first = (test: (e: Failure) => boolean): [Failure, boolean] | undefined => {
    const order = outcomes.map((_, i) => i).sort((a, b) => Number(shown(b)) - Number(shown(a)));
    const i = order.find((k) => outcomes[k]!.error && test(outcomes[k]!.error!));
    return i === undefined ? undefined : [outcomes[i]!.error!, shown(i)];
  };
  const absent = first((e) => e.name === 'NotAvailableError');
  if (absent) {
    const rule = q.uses ? ruleText(q.uses) : 'everything';
    const what = usedName(absent[1] ? absent[0].absent : undefined);
    return questionProblem(q, `uses ${what}, which this exercise does not allow (it may use ${rule})`);
  }
  const denied = first((e) => deniedReason(e) !== undefined);
  if (denied) return questionProblem(q, deniedReason(denied[0], denied[1])!);
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

/** Why a file did not load, once for the file: "lesson5/index.ts did not load: threw `Error: …`". */
export function loadFailureMessage(file: string, outcome: CallOutcome): string {
  if (outcome.status === 'timeout' || outcome.detail?.startsWith('does not compile'))
    return `${file} ${outcome.detail}`;
  if (outcome.status !== 'error') return `${file} did not load: ${outcome.detail}`;
  const e = outcome.error!;
  if (e.name === 'Tampering' && TAMPERING.test(e.message)) return `${file} did not load: ${e.message}`;
  if (e.name === 'NotAvailableError')
    return `${file} did not load: at load time it uses ${usedName(e.absent)}, which this exercise does not allow`;
  return `${file} did not load: ${deniedReason(e) ?? thrown(e)}`;
}

/**
 * Grades a concept answer: against the answer in the instructor's bank, or against a release's keyed hash
 * where the course key is at hand; a release without the key records the answer without checking it.
 */
export function gradeConcept(q: ConceptQuestion, answer: unknown): CaseResult {
  const base = { name: 'answer', points: q.points, hidden: false };
  if (answer === undefined || answer === null) return { ...base, earned: 0, passed: false, message: 'no answer given' };
  let right: boolean;
  if (q.answer !== undefined) right = normaliseAnswer(answer) === normaliseAnswer(q.answer);
  else {
    const key = courseKey();
    if (!key) return { ...base, earned: 0, passed: false, message: ANSWER_RECORDED };
    right = answerHash(q.id, answer, key) === q.answerHash;
  }
  return right
    ? { ...base, earned: q.points, passed: true, message: 'correct' }
    : { ...base, earned: 0, passed: false, message: 'not the expected answer' };
}

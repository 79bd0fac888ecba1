/**
 * What outcomes mean for points, and how feedback says it, in the student's language: per case (judge), per
 * question (using what the question does not allow, or a denied access, costs the whole question), per file (a
 * load failure) and for concept answers. Text the submission controls (an error message, a returned string)
 * appears only for public cases, quoted and cut to one short line; a hidden case's feedback holds only the
 * grader's words, since a returned value or an error could carry the hidden arguments out.
 */
import * as path from 'path';
import { nodeModulesDir, ruleText } from './allowed';
import { answerHash, choiceLetters, choiceOf, courseKey, normaliseAnswer } from './answers';
import { explainMismatch, quoted } from './compare';
import { JUDGE_TIMEOUT_MS, type JudgeOutcome } from './judges';
import { MSG } from './messages';
import { matchingHints } from './misconceptions';
import type { Failure } from './protocol';
import { pointsOf, type CodeCase, type CodeQuestion, type ConceptQuestion } from './question';
import type { CallOutcome } from './runner';
import { INSIDE } from './sandbox';
import { stageRoot } from './stage';
import { inLang, type Lang, type Text } from './text';

const REPOSITORY = path.join(__dirname, '../..');

export interface CaseResult {
  readonly name: string;
  readonly points: number;
  readonly earned: number;
  readonly passed: boolean;
  readonly hidden: boolean;
  readonly message: string;
  /**
   * What a report must tell apart whatever the language: a stub not replaced yet, a concept question not
   * answered, an answer a release only records, a case whose file did not load.
   */
  readonly state?: CaseState;
  /** A hidden case's misconception, what the student's feedback says of it when it fails (never its input). */
  readonly catches?: string;
  /** The name of the error a public case threw (check() runs a cell's function by itself on a ReferenceError). */
  readonly thrown?: string;
}

export type CaseState = 'not-implemented' | 'unanswered' | 'recorded' | 'not-run';

export interface QuestionResult {
  readonly id: string;
  /** In the language the report was graded in, as every message. */
  readonly title: string;
  readonly kind: 'code' | 'numeric' | 'choice';
  readonly points: number;
  readonly earned: number;
  readonly cases: CaseResult[];
  /** Set when the whole question scores 0 for one reason: "l3.q1 uses `roundArray`, which this exercise …: 0/7". */
  readonly problem?: string;
}

const shortPath = (p: string | undefined): Text =>
  p ? quoted(`…/${p.split(/[\\/]/).filter(Boolean).slice(-2).join('/')}`) : MSG.pathOutside;

/** A sandbox denial in a student's words; undefined when the error is not one. `showPath`: say which file. */
export function deniedReason(e: Failure, showPath = true, lang: Lang = 'en'): string | undefined {
  const reason = denied(e, showPath, lang);
  return reason && inLang(reason, lang);
}

function denied(e: Failure, showPath: boolean, lang: Lang): Text | undefined {
  if (e.code === 'ERR_DLOPEN_DISABLED') return MSG.nativeAddon;
  if (e.code !== 'ERR_ACCESS_DENIED') return undefined;
  const which = (p: string | undefined): string | undefined => (showPath ? inLang(shortPath(p), lang) : undefined);
  switch (e.permission) {
    case 'FileSystemRead':
      return MSG.readOutside(which(e.resource));
    case 'FileSystemWrite':
      return MSG.writeFile(which(e.resource));
    case 'ChildProcess':
      return MSG.childProcess;
    case 'WorkerThreads':
      return MSG.workerThread;
    default:
      return MSG.otherApi;
  }
}

/** 'lesson1/index.ts:12', if the harness's report of where an error was thrown has that shape. */
const place = (at: string | undefined): string | undefined =>
  at && /^[\w.\-/]{1,100}\.ts:\d{1,6}$/.test(at) ? at : undefined;

/** The grader's own folders (the stage, the sandbox's view, the repository), as '…/' in what feedback shows. */
function withoutPaths(text: string): string {
  const roots = [INSIDE, stageRoot(), REPOSITORY, nodeModulesDir()].filter((r): r is string => !!r);
  return roots.reduce((t, root) => t.split(`${root}${path.sep}`).join('…/').split(`${root}/`).join('…/'), text);
}

/** An error as public feedback shows it: "threw `RangeError: bits must be 8` at lesson1/index.ts:3". */
function thrown(e: Failure): Text {
  return MSG.threw(quoted(withoutPaths(`${e.name}: ${e.message}`)), place(e.at));
}

const MEMORY = /allocation failed|Invalid array length|Invalid typed array length/i;
/** The harness's report of a change at load (tamper.ts names what changed); anything else is shown quoted. */
const TAMPERING =
  /^it changed (the built-in|the library's) (`[\w$.[\]]{1,80}`) while loading, which grading does not allow$/;

/**
 * A case's name as feedback shows it: a hidden case is "hidden case N" (N counts the question's hidden cases),
 * since the bank's name often states the input or the expected value ('-2.5', 'float8_e5m2 (5, 2)').
 */
function caseName(q: CodeQuestion, c: CodeCase, lang: Lang): string {
  return c.hidden ? inLang(MSG.hiddenCase(q.cases.filter((k) => k.hidden).indexOf(c) + 1), lang) : inLang(c.name, lang);
}

/**
 * What a finished call means for case `c` of question `q`, in `lang`; `judged`: its judge's outcome, for a
 * judged case.
 */
export function judge(
  q: CodeQuestion,
  c: CodeCase,
  outcome: CallOutcome,
  lang: Lang = 'en',
  judged?: JudgeOutcome,
): CaseResult {
  const base = {
    name: caseName(q, c, lang),
    points: c.points,
    hidden: c.hidden,
    ...(c.hidden && c.catches ? { catches: inLang(c.catches, lang) } : {}),
  };
  const fail = (why: Text): CaseResult => ({ ...base, earned: 0, passed: false, message: inLang(why, lang) });
  switch (outcome.status) {
    case 'timeout':
      return fail(outcome.detail!);
    case 'crash':
      // an exit code or a signal is the submission's choice: a hidden case shows neither
      return fail(c.hidden && outcome.hiddenDetail ? outcome.hiddenDetail : outcome.detail!);
    case 'error': {
      const e = outcome.error!;
      if (e.name === 'NotImplementedError')
        return {
          ...base,
          earned: 0,
          passed: false,
          message: inLang(MSG.notImplemented, lang),
          state: 'not-implemented',
        };
      if (MEMORY.test(e.message)) return fail(c.hidden ? MSG.outOfMemory : MSG.outOfMemoryThrew(thrown(e)));
      if (e.name === 'UnsendableValue')
        return fail(MSG.unsendable(c.hidden ? undefined : quoted(withoutPaths(e.message))));
      if (c.hidden) return fail(MSG.threwAnError);
      return { ...fail(thrown(e)), thrown: e.name };
    }
    case 'ok': {
      // a hidden case's feedback names no type the submission chose
      const wrong = c.hidden && c.catches ? MSG.catches(MSG.wrongValue, c.catches) : MSG.wrongValue;
      if (outcome.type === 'function' || outcome.type === 'undefined')
        return fail(c.hidden ? wrong : MSG.notAValue(outcome.type));
      if (outcome.leaked! > 0) return fail(MSG.leaked(c.hidden ? undefined : outcome.leaked));
      if (outcome.mutated) return fail(MSG.mutated);
      if (c.judge) return judgedResult(base, c, judged, lang);
      const mismatch = explainMismatch(c.expected, outcome.value, c.compare ?? { kind: 'exact' }, c.hidden);
      if (!mismatch) return { ...base, earned: c.points, passed: true, message: inLang(MSG.correct, lang) };
      // a wrong value, unlike a timeout or an error, says which mistake it was: the hints of those it matches
      const why = c.hidden && c.catches ? MSG.catches(mismatch, c.catches) : mismatch;
      return fail(MSG.hints(why, matchingHints(c, outcome.value)));
    }
  }
}

/** A judged case's result: its points times the judge's score; a hidden case shows only the grader's words. */
function judgedResult(
  base: Pick<CaseResult, 'name' | 'points' | 'hidden' | 'catches'>,
  c: CodeCase,
  j: JudgeOutcome | undefined,
  lang: Lang,
): CaseResult {
  if (!j || 'failed' in j) {
    // `in` again, not `j?.failed`: tslab compiles without strictNullChecks, where `!j` narrows nothing
    const timedOut = j !== undefined && 'failed' in j && j.failed === 'timeout';
    const why = timedOut ? MSG.judgeTimeout(c.judge!.timeoutMs ?? JUDGE_TIMEOUT_MS) : MSG.judgeFailed;
    return { ...base, earned: 0, passed: false, message: inLang(why, lang) };
  }
  const passed = j.score >= 1;
  // the judge's message may quote the returned value, which could carry a hidden case's arguments out
  const hiddenWhy = c.catches ? MSG.catches(MSG.wrongValue, c.catches) : MSG.wrongValue;
  const message = !c.hidden ? j.message : passed ? MSG.correct : hiddenWhy;
  return { ...base, earned: Math.round(c.points * j.score * 100) / 100, passed, message: inLang(message, lang) };
}

/** Every case of the question at 0, with one message (a missing file, a file that did not load). */
export function allCasesFail(q: CodeQuestion, message: Text, lang: Lang = 'en', state?: CaseState): QuestionResult {
  const cases = q.cases.map((c) => ({
    name: caseName(q, c, lang),
    points: c.points,
    earned: 0,
    passed: false,
    hidden: c.hidden,
    message: inLang(message, lang),
    ...(state ? { state } : {}),
  }));
  return { id: q.id, title: inLang(q.title, lang), kind: q.kind, points: pointsOf(q), earned: 0, cases };
}

/**
 * The whole question at 0 for one reason that feedback states once: something not allowed ("l3.q1 uses …: 0/7"),
 * or a denied access, which the student's code did ("l3.q1: your code tried …: 0 points").
 */
function questionProblem(q: CodeQuestion, reason: Text, lang: Lang, byTheCode: boolean): QuestionResult {
  const problem = byTheCode ? MSG.questionZeroPoints(q.id, reason) : MSG.questionZero(q.id, reason, pointsOf(q));
  return { ...allCasesFail(q, reason, lang), problem: inLang(problem, lang) };
}

/** A name the submission used, if it reads as one (an export, a member of one), else a neutral phrase. */
const usedName = (absent: string | undefined, lang: Lang): string =>
  absent && /^[\w$@/.-]{1,80}$/.test(absent) ? `\`${absent}\`` : inLang(MSG.something, lang);

/**
 * A question's result from its cases' outcomes. Using what the question does not allow (the stub of an absent
 * module threw) or a denied access costs the whole question; what was used is named only when a public case
 * shows it.
 */
export function judgeQuestion(
  q: CodeQuestion,
  outcomes: readonly CallOutcome[],
  lang: Lang = 'en',
  judged: ReadonlyMap<number, JudgeOutcome> = new Map(),
): QuestionResult {
  const shown = (i: number): boolean => !q.cases[i]?.hidden;
  const first = (test: (e: Failure) => boolean): [Failure, boolean] | undefined => {
    const order = outcomes.map((_, i) => i).sort((a, b) => Number(shown(b)) - Number(shown(a)));
    const i = order.find((k) => outcomes[k]!.error && test(outcomes[k]!.error!));
    return i === undefined ? undefined : [outcomes[i]!.error!, shown(i)];
  };
  const absent = first((e) => e.name === 'NotAvailableError');
  if (absent) {
    const what = usedName(absent[1] ? absent[0].absent : undefined, lang);
    return questionProblem(q, MSG.usesNotAllowed(what, q.uses ? ruleText(q.uses) : MSG.everything), lang, false);
  }
  const refused = first((e) => denied(e, false, lang) !== undefined);
  if (refused) return questionProblem(q, denied(refused[0], refused[1], lang)!, lang, true);
  const cases = q.cases.map((c, i) => judge(q, c, outcomes[i]!, lang, judged.get(i)));
  return {
    id: q.id,
    title: inLang(q.title, lang),
    kind: q.kind,
    points: pointsOf(q),
    earned: cases.reduce((s, c) => s + c.earned, 0),
    cases,
  };
}

/** Why a file did not load, once for the file: "lesson5/index.ts did not load: threw `Error: …`". */
export function loadFailureMessage(file: string, outcome: CallOutcome, lang: Lang = 'en'): string {
  return inLang(loadFailure(file, outcome, lang), lang);
}

function loadFailure(file: string, outcome: CallOutcome, lang: Lang): Text {
  if (outcome.status === 'timeout') return MSG.fileDetail(file, outcome.detail!);
  if (outcome.status !== 'error') return MSG.didNotLoad(file, outcome.detail!);
  const e = outcome.error!;
  const tampering = e.name === 'Tampering' ? TAMPERING.exec(e.message) : null;
  if (tampering) return MSG.didNotLoad(file, MSG.changedWhileLoading(tampering[1] as 'the built-in', tampering[2]!));
  if (e.name === 'NotAvailableError') return MSG.didNotLoad(file, MSG.usesAtLoad(usedName(e.absent, lang)));
  return MSG.didNotLoad(file, denied(e, true, lang) ?? thrown(e));
}

/**
 * Grades a concept answer: against the answer in the instructor's bank, or against a release's keyed hash
 * where the course key is at hand; a release without the key records the answer without checking it.
 */
export function gradeConcept(q: ConceptQuestion, answer: unknown, lang: Lang = 'en'): CaseResult {
  const base = { name: inLang(MSG.answer, lang), points: q.points, hidden: false };
  const result = (earned: number, message: Text, state?: CaseState): CaseResult => ({
    ...base,
    earned,
    passed: earned === q.points,
    message: inLang(message, lang),
    ...(state ? { state } : {}),
  });
  if (answer === undefined || answer === null || answer === '') return result(0, MSG.noAnswer, 'unanswered');
  if (q.choices && !choiceOf(answer, q.choices)) return result(0, MSG.notAChoice(choiceLetters(q.choices).join(', ')));
  let right: boolean;
  if (q.answer !== undefined) right = normaliseAnswer(answer, q.choices) === normaliseAnswer(q.answer, q.choices);
  else {
    const key = courseKey();
    if (!key) return result(0, MSG.recorded, 'recorded');
    right = answerHash(q.id, answer, key, q.choices) === q.answerHash;
  }
  return right ? result(q.points, MSG.correct) : result(0, MSG.notExpected);
}

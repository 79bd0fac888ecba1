/**
 * Grading a submission folder. Concept questions come from answers.json. Coding questions: the submission is
 * compiled into the stage (stage.ts), and each exercise file runs in a fresh sandbox per profile (what its
 * questions may use, allowed.ts; runner.ts), files and profiles in parallel on the shared pool. A submission's
 * problems (a file that does not load, an answers.json that is not JSON, a folder too big to read) cost it
 * points with a message; they never end the grading of others.
 */
import * as path from 'path';
import { profileOf, type Profile } from './allowed';
import { answerIn } from './answers';
import { loadQuestions } from './bank';
import { runJudges } from './judges';
import { quoted } from './compare';
import { POOL, type Pool } from './pool';
import type { CodeQuestion, ConceptQuestion, Question } from './question';
import { runFile, WallBudget, type Call, type CallOutcome, type FileOutcome, type RunLimits } from './runner';
import { isolation } from './sandbox';
import { libraryStage, readSubmission, stageSubmission, UnreadableSubmission } from './stage';
import { MSG } from './messages';
import { inLang, studentLang, type Lang, type Text } from './text';
import {
  allCasesFail,
  gradeConcept,
  judgeQuestion,
  loadFailureMessage,
  type CaseResult,
  type QuestionResult,
} from './verdict';

export type { CaseResult, QuestionResult } from './verdict';

export interface LoadFailure {
  readonly file: string;
  readonly message: string;
}

export interface Report {
  readonly student: string;
  readonly submission: string;
  readonly questions: QuestionResult[];
  /** Files that did not load or compile, once each; their questions score 0. */
  readonly loadFailures: LoadFailure[];
  readonly earned: number;
  readonly points: number;
  readonly gradedAt: string;
  /** Why no OS sandbox ran the code, when none did: the report is then a self-check, not a grade. */
  readonly selfCheck?: string;
  /** The language of every message and title in it (reports from before languages were English). */
  readonly lang?: Lang;
}

export interface GradeOptions {
  readonly student?: string;
  /** Grade only these question ids. */
  readonly only?: readonly string[];
  /**
   * Limits of CPU time: per case (default 2000 ms) and per file's start and load (default 10000 ms); heap
   * limit in MB (default 256).
   */
  readonly timeoutMs?: number;
  readonly loadTimeoutMs?: number;
  readonly memoryMb?: number;
  /**
   * Wall-clock time the submission's sandboxes may wait in all, in ms, after which its remaining cases fail
   * (default: WallBudget.FACTOR times the sum of its CPU-time limits, loads and calls).
   */
  readonly wallMs?: number;
  /** The pool of grading sandboxes (default: one per core, shared by the process). */
  readonly pool?: Pool;
  /** 'node': without the OS sandbox even where bubblewrap works (tests of the fallback). */
  readonly sandbox?: 'bubblewrap' | 'node';
  /** The language of feedback; by default the student's (text.ts's `studentLang`: MP_LANG, the notebook's). */
  readonly lang?: Lang;
}

const langOf = (options: GradeOptions): Lang => options.lang ?? studentLang();

function runLimits(options: GradeOptions): RunLimits {
  return {
    timeoutMs: options.timeoutMs ?? 2000,
    loadTimeoutMs: options.loadTimeoutMs ?? 10_000,
    memoryMb: options.memoryMb ?? 256,
  };
}

/** Why a report is a self-check, or undefined when an OS sandbox ran the code. */
function selfCheck(options: GradeOptions): Text | undefined {
  if (options.sandbox === 'node') return MSG.noSandbox;
  const i = isolation();
  return i.kind === 'node' ? i.why : undefined;
}

function report(
  questions: readonly Question[],
  results: ReadonlyMap<string, QuestionResult>,
  loadFailures: LoadFailure[],
  submission: string,
  options: GradeOptions,
): Report {
  const ordered = questions.map((q) => results.get(q.id)!);
  const why = selfCheck(options);
  const lang = langOf(options);
  return {
    student: options.student ?? path.basename(submission),
    submission,
    questions: ordered,
    loadFailures,
    earned: ordered.reduce((s, r) => s + r.earned, 0),
    points: ordered.reduce((s, r) => s + r.points, 0),
    gradedAt: new Date().toISOString(),
    ...(why ? { selfCheck: inLang(why, lang) } : {}),
    lang,
  };
}

const selected = (options: GradeOptions): Question[] =>
  loadQuestions().filter((q) => !options.only || options.only.includes(q.id));

/** A concept question's result: its one case. */
const conceptResult = (q: ConceptQuestion, c: CaseResult, lang: Lang): QuestionResult => ({
  id: q.id,
  title: inLang(q.title, lang),
  kind: q.kind,
  points: q.points,
  earned: c.earned,
  cases: [c],
});

/** A report in which every question scores 0 for one reason (a submission that could not be read or graded). */
export function failedReport(submission: string, message: Text, options: GradeOptions = {}): Report {
  const questions = selected(options);
  const lang = langOf(options);
  const text = inLang(message, lang);
  const results = new Map(
    questions.map((q): [string, QuestionResult] => {
      if (q.kind === 'code') return [q.id, allCasesFail(q, MSG.notGraded, lang)];
      const c: CaseResult = {
        name: inLang(MSG.answer, lang),
        points: q.points,
        earned: 0,
        passed: false,
        hidden: false,
        message: text,
      };
      return [q.id, conceptResult(q, c, lang)];
    }),
  );
  return report(questions, results, [{ file: '.', message: text }], submission, options);
}

/** Grades a folder laid out like exercises/ (lesson1/index.ts, …), with concept answers in answers.json. */
export async function gradeSubmission(dir: string, options: GradeOptions = {}): Promise<Report> {
  const student = options.student ?? path.basename(path.resolve(dir));
  let files: Map<string, string>;
  try {
    files = readSubmission(dir);
  } catch (e) {
    if (!(e instanceof UnreadableSubmission)) throw e;
    return failedReport(path.resolve(dir), MSG.notGradedSubmission(e.message), { ...options, student });
  }
  return gradeFiles(files, path.resolve(dir), { ...options, student });
}

/** answers.json's answers by question id, or why there are none. */
function readAnswers(files: ReadonlyMap<string, string>): { answers: Record<string, unknown> } | { problem: Text } {
  const text = files.get('answers.json');
  if (text === undefined) return { answers: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { problem: MSG.answersNotJson(quoted((e as Error).message)) };
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? { answers: parsed as Record<string, unknown> }
    : { problem: MSG.answersNotObject };
}

/** One sandbox's worth of work: a file, the profile its questions share, and those questions. */
interface Run {
  readonly file: string;
  readonly profile: Profile;
  readonly questions: CodeQuestion[];
}

/** Grades a submission's files (from readSubmission: TypeScript sources and answers.json, by relative path). */
export async function gradeFiles(
  files: ReadonlyMap<string, string>,
  submission: string,
  options: GradeOptions = {},
): Promise<Report> {
  const questions = selected(options);
  const lang = langOf(options);
  const answers = readAnswers(files);
  const results = new Map<string, QuestionResult>();
  const runs = new Map<string, Run>();
  for (const q of questions) {
    if (q.kind !== 'code') {
      const c =
        'problem' in answers
          ? {
              name: inLang(MSG.answer, lang),
              points: q.points,
              earned: 0,
              passed: false,
              hidden: false,
              message: inLang(answers.problem, lang),
            }
          : gradeConcept(q, Object.hasOwn(answers.answers, q.id) ? answerIn(answers.answers[q.id]) : undefined, lang);
      results.set(q.id, conceptResult(q, c, lang));
    } else if (!files.has(q.file)) {
      results.set(q.id, allCasesFail(q, MSG.missingFile(q.file), lang));
    } else {
      const profile = profileOf(q);
      const key = `${q.file}|${profile.key}`;
      const run = runs.get(key) ?? { file: q.file, profile, questions: [] };
      run.questions.push(q);
      runs.set(key, run);
    }
  }
  const loadFailures = runs.size ? await runAll(files, [...runs.values()], results, options) : [];
  return report(questions, results, loadFailures, submission, options);
}

/** Runs each file and profile in a sandbox of its own, in parallel; sets their results, returns load failures. */
async function runAll(
  files: ReadonlyMap<string, string>,
  runs: readonly Run[],
  results: Map<string, QuestionResult>,
  options: GradeOptions,
): Promise<LoadFailure[]> {
  const stage = libraryStage();
  const staged = await stageSubmission(stage, files);
  const limits = runLimits(options);
  const lang = langOf(options);
  /** Why each file's runs did not load: message → the question ids it cost. */
  const failures = new Map<string, Map<string, string[]>>();
  const cpuLimitsMs = runs.reduce(
    (sum, r) => sum + limits.loadTimeoutMs + r.questions.reduce((n, q) => n + q.cases.length, 0) * limits.timeoutMs,
    0,
  );
  const budget = new WallBudget(options.wallMs ?? WallBudget.FACTOR * cpuLimitsMs);
  const runOne = async (run: Run): Promise<void> => {
    // Every public case of a sandbox runs before any hidden one: what a submission keeps between calls (the
    // arguments it was given) then reaches a public case's feedback only from public cases.
    const cases = run.questions.flatMap((q) => q.cases.map((c) => ({ export: q.export, args: c.args, c })));
    const order = [...cases.keys()].sort((a, b) => Number(cases[a]!.c.hidden) - Number(cases[b]!.c.hidden));
    const calls: Call[] = order.map((i) => ({ export: cases[i]!.export, args: cases[i]!.args }));
    const compileError = staged.compileErrors.get(run.file);
    const outcome: FileOutcome | { compileError: string } = compileError
      ? { compileError }
      : await (options.pool ?? POOL).run(() =>
          runFile(
            {
              sandbox: {
                stage,
                profile: stage.profile(run.profile),
                submission: staged.dir,
                file: run.file.replace(/\.ts$/, '.js'),
                ...(options.sandbox ? { sandbox: options.sandbox } : {}),
              },
              calls,
            },
            limits,
            budget,
          ),
        );
    if ('compileError' in outcome || outcome.loadFailure) {
      const message =
        'compileError' in outcome
          ? inLang(MSG.fileDetail(run.file, MSG.doesNotCompile(quoted(outcome.compileError))), lang)
          : loadFailureMessage(run.file, outcome.loadFailure!, lang);
      const byMessage = failures.get(run.file) ?? new Map<string, string[]>();
      byMessage.set(message, [...(byMessage.get(message) ?? []), ...run.questions.map((q) => q.id)]);
      failures.set(run.file, byMessage);
      for (const q of run.questions) results.set(q.id, allCasesFail(q, MSG.notRun(run.file), lang, 'not-run'));
      return;
    }
    const inBankOrder: CallOutcome[] = [];
    order.forEach((i, k) => (inBankOrder[i] = outcome.outcomes[k]!));
    let next = 0;
    for (const q of run.questions) {
      const outcomes = inBankOrder.slice(next, next + q.cases.length);
      results.set(q.id, judgeQuestion(q, outcomes, lang, await runJudges(q, outcomes)));
      next += q.cases.length;
    }
  };
  try {
    await Promise.all(runs.map(runOne));
  } finally {
    staged.remove();
  }
  // a file's failure is said once; where only some of its profiles failed, the message names their questions
  const loadFailures: LoadFailure[] = [];
  for (const [file, byMessage] of failures) {
    const all = runs.filter((r) => r.file === file).flatMap((r) => r.questions.map((q) => q.id));
    for (const [message, ids] of byMessage)
      loadFailures.push({
        file,
        message: ids.length === all.length ? message : `${message} (for ${ids.sort().join(', ')})`,
      });
  }
  return loadFailures.sort((a, b) => a.file.localeCompare(b.file) || a.message.localeCompare(b.message));
}

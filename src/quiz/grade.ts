/**
 * Grading a submission folder. Concept questions come from answers.json. Coding questions: the submission is
 * compiled into the stage (stage.ts), and each exercise file runs in a fresh sandbox per profile (what its
 * questions may use, allowed.ts; runner.ts), files and profiles in parallel on the shared pool. A submission's
 * problems (a file that does not load, an answers.json that is not JSON, a folder too big to read) cost it
 * points with a message; they never end the grading of others.
 */
import * as path from 'path';
import { profileOf, type Profile } from './allowed';
import { loadQuestions } from './bank';
import { quoted } from './compare';
import { POOL, type Pool } from './pool';
import type { CodeQuestion, Question } from './question';
import { runFile, type Call, type FileOutcome, type RunLimits } from './runner';
import { isolation } from './sandbox';
import { libraryStage, readSubmission, stageSubmission, UnreadableSubmission } from './stage';
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
  /** The pool of grading sandboxes (default: one per core, shared by the process). */
  readonly pool?: Pool;
  /** 'node': without the OS sandbox even where bubblewrap works (tests of the fallback). */
  readonly sandbox?: 'bubblewrap' | 'node';
}

function runLimits(options: GradeOptions): RunLimits {
  return {
    timeoutMs: options.timeoutMs ?? 2000,
    loadTimeoutMs: options.loadTimeoutMs ?? 10_000,
    memoryMb: options.memoryMb ?? 256,
  };
}

/** Why a report is a self-check, or undefined when an OS sandbox ran the code. */
function selfCheck(options: GradeOptions): string | undefined {
  if (options.sandbox === 'node') return 'graded without an OS sandbox, as asked';
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
  return {
    student: options.student ?? path.basename(submission),
    submission,
    questions: ordered,
    loadFailures,
    earned: ordered.reduce((s, r) => s + r.earned, 0),
    points: ordered.reduce((s, r) => s + r.points, 0),
    gradedAt: new Date().toISOString(),
    ...(why ? { selfCheck: why } : {}),
  };
}

const selected = (options: GradeOptions): Question[] =>
  loadQuestions().filter((q) => !options.only || options.only.includes(q.id));

/** A report in which every question scores 0 for one reason (a submission that could not be read or graded). */
export function failedReport(submission: string, message: string, options: GradeOptions = {}): Report {
  const questions = selected(options);
  const results = new Map(
    questions.map((q): [string, QuestionResult] => {
      if (q.kind === 'code') return [q.id, allCasesFail(q, 'not graded')];
      const c: CaseResult = { name: 'answer', points: q.points, earned: 0, passed: false, hidden: false, message };
      return [q.id, { id: q.id, title: q.title, kind: q.kind, points: q.points, earned: 0, cases: [c] }];
    }),
  );
  return report(questions, results, [{ file: '.', message }], submission, options);
}

/** Grades a folder laid out like exercises/ (lesson1/index.ts, …), with concept answers in answers.json. */
export async function gradeSubmission(dir: string, options: GradeOptions = {}): Promise<Report> {
  const student = options.student ?? path.basename(path.resolve(dir));
  let files: Map<string, string>;
  try {
    files = readSubmission(dir);
  } catch (e) {
    if (!(e instanceof UnreadableSubmission)) throw e;
    return failedReport(path.resolve(dir), `the submission was not graded: ${e.message}`, { ...options, student });
  }
  return gradeFiles(files, path.resolve(dir), { ...options, student });
}

/** answers.json's answers by question id, or why there are none. */
function readAnswers(files: ReadonlyMap<string, string>): { answers: Record<string, unknown> } | { problem: string } {
  const text = files.get('answers.json');
  if (text === undefined) return { answers: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { problem: `answers.json is not valid JSON: ${quoted((e as Error).message)}` };
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? { answers: parsed as Record<string, unknown> }
    : { problem: 'answers.json must hold one object of answers by question id: { "l1.c1": 65504, … }' };
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
  const answers = readAnswers(files);
  const results = new Map<string, QuestionResult>();
  const runs = new Map<string, Run>();
  for (const q of questions) {
    if (q.kind !== 'code') {
      const c =
        'problem' in answers
          ? { name: 'answer', points: q.points, earned: 0, passed: false, hidden: false, message: answers.problem }
          : gradeConcept(q, Object.hasOwn(answers.answers, q.id) ? answers.answers[q.id] : undefined);
      results.set(q.id, { id: q.id, title: q.title, kind: q.kind, points: q.points, earned: c.earned, cases: [c] });
    } else if (!files.has(q.file)) {
      results.set(q.id, allCasesFail(q, `missing file ${q.file}`));
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
  /** Why each file's runs did not load: message → the question ids it cost. */
  const failures = new Map<string, Map<string, string[]>>();
  const runOne = async (run: Run): Promise<void> => {
    const calls: Call[] = run.questions.flatMap((q) => q.cases.map((c) => ({ export: q.export, args: c.args })));
    const compileError = staged.compileErrors.get(run.file);
    const outcome: FileOutcome = compileError
      ? { loadFailure: { status: 'crash', detail: `does not compile: ${quoted(compileError)}` }, outcomes: [] }
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
          ),
        );
    if (outcome.loadFailure) {
      const message = loadFailureMessage(run.file, outcome.loadFailure);
      const byMessage = failures.get(run.file) ?? new Map<string, string[]>();
      byMessage.set(message, [...(byMessage.get(message) ?? []), ...run.questions.map((q) => q.id)]);
      failures.set(run.file, byMessage);
      for (const q of run.questions) results.set(q.id, allCasesFail(q, `not run: ${run.file} did not load`));
      return;
    }
    let next = 0;
    for (const q of run.questions) {
      results.set(q.id, judgeQuestion(q, outcome.outcomes.slice(next, next + q.cases.length)));
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

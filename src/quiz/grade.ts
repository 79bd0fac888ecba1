/**
 * Grading a submission folder. Concept questions come from answers.json. Coding questions: the static
 * check first (a question that uses what it forbids scores 0 without running), then each exercise file in a
 * fresh sandboxed child (runner.ts) from a staged copy (stage.ts), files in parallel on the shared pool.
 */
import * as path from 'path';
import { loadQuestions } from './bank';
import { forbiddenNames, forbiddenReason } from './forbidden';
import { POOL, type Pool } from './pool';
import type { CodeQuestion } from './question';
import { runFile, type Call, type RunLimits } from './runner';
import { libraryStage, readSubmission, stageSubmission } from './stage';
import { SubmissionAnalysis } from './static_check';
import {
  allCasesFail,
  gradeConcept,
  judgeQuestion,
  loadFailureMessage,
  questionProblem,
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
}

export interface GradeOptions {
  readonly student?: string;
  /** Grade only these question ids. */
  readonly only?: readonly string[];
  /** Per-case time limit in ms (default 2000), per-file load limit (default 10000), heap limit in MB (default 256). */
  readonly timeoutMs?: number;
  readonly loadTimeoutMs?: number;
  readonly memoryMb?: number;
  /** The pool of grading children (default: one per core, shared by the process). */
  readonly pool?: Pool;
}

function runLimits(options: GradeOptions): RunLimits {
  return {
    timeoutMs: options.timeoutMs ?? 2000,
    loadTimeoutMs: options.loadTimeoutMs ?? 10_000,
    memoryMb: options.memoryMb ?? 256,
  };
}

/** Grades a folder laid out like exercises/ (lesson1/index.ts, …), with concept answers in answers.json. */
export function gradeSubmission(dir: string, options: GradeOptions = {}): Promise<Report> {
  const student = options.student ?? path.basename(path.resolve(dir));
  return gradeFiles(readSubmission(dir), path.resolve(dir), { ...options, student });
}

/** Grades a submission's files (from readSubmission: TypeScript sources and answers.json, by relative path). */
export async function gradeFiles(
  files: ReadonlyMap<string, string>,
  submission: string,
  options: GradeOptions = {},
): Promise<Report> {
  const answers = (files.has('answers.json') ? JSON.parse(files.get('answers.json')!) : {}) as Record<string, unknown>;
  const questions = loadQuestions().filter((q) => !options.only || options.only.includes(q.id));
  const results = new Map<string, QuestionResult>();
  const analysis = new SubmissionAnalysis(new Map([...files].filter(([rel]) => rel.endsWith('.ts'))));
  // concept answers, missing files and the static check first: nothing runs for these
  const toRun = new Map<string, Graded[]>();
  for (const q of questions) {
    if (q.kind !== 'code') {
      const cases = [gradeConcept(q, answers[q.id])];
      results.set(q.id, { id: q.id, title: q.title, kind: q.kind, points: q.points, earned: cases[0]!.earned, cases });
    } else if (!files.has(q.file)) {
      results.set(q.id, allCasesFail(q, `missing file ${q.file}`));
    } else {
      const { library, platform } = forbiddenNames(q);
      const forbid = [...library, ...platform];
      const used = analysis.reached(q.file, q.export).find((r) => forbid.includes(r.name));
      if (used) results.set(q.id, questionProblem(q, forbiddenReason(used.name)));
      else toRun.set(q.file, [...(toRun.get(q.file) ?? []), { q, forbid }]);
    }
  }
  const loadFailures = toRun.size ? await runFiles(files, toRun, results, options) : [];
  const ordered = questions.map((q) => results.get(q.id)!);
  return {
    student: options.student ?? path.basename(submission),
    submission,
    questions: ordered,
    loadFailures,
    earned: ordered.reduce((s, r) => s + r.earned, 0),
    points: ordered.reduce((s, r) => s + r.points, 0),
    gradedAt: new Date().toISOString(),
  };
}

interface Graded {
  readonly q: CodeQuestion;
  /** What the question forbids: library exports and platform features. */
  readonly forbid: readonly string[];
}

/** Runs each file's questions in a child of its own, files in parallel; sets their results, returns load failures. */
async function runFiles(
  files: ReadonlyMap<string, string>,
  toRun: ReadonlyMap<string, Graded[]>,
  results: Map<string, QuestionResult>,
  options: GradeOptions,
): Promise<LoadFailure[]> {
  const stage = libraryStage();
  const staged = stageSubmission(stage, files);
  const limits = runLimits(options);
  const loadFailures: LoadFailure[] = [];
  const runOne = async (file: string, graded: Graded[]): Promise<void> => {
    const calls: Call[] = graded.flatMap(({ q, forbid }) =>
      q.cases.map((c) => ({ export: q.export, args: c.args, forbid })),
    );
    const compileError = staged.compileErrors.get(file);
    const compiled = path.join(staged.dir, file.replace(/\.ts$/, '.js'));
    const run = compileError
      ? {
          loadFailure: { status: 'error' as const, error: { name: 'CompileError', message: compileError } },
          outcomes: [],
        }
      : await (options.pool ?? POOL).run(() =>
          runFile(stage, { submission: staged.dir, file: compiled, calls }, limits),
        );
    if (run.loadFailure) {
      loadFailures.push({ file, message: loadFailureMessage(file, run.loadFailure) });
      for (const { q } of graded) results.set(q.id, allCasesFail(q, `not run: ${file} did not load`));
      return;
    }
    let next = 0;
    for (const { q } of graded) {
      results.set(q.id, judgeQuestion(q, run.outcomes.slice(next, next + q.cases.length)));
      next += q.cases.length;
    }
  };
  try {
    await Promise.all([...toRun].map(([file, graded]) => runOne(file, graded)));
  } finally {
    staged.remove();
  }
  return loadFailures.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * A class on disk: one folder per student (as collect.ts unpacks them, or made by hand), and what grading
 * writes beside them: gradebook.csv (a column per question, and how late, where the LMS said), feedback/<student>.md
 * for the student, .reports/<student>.json (the whole report, which regrading some questions starts from),
 * class.json (the settings an LMS import depends on) and, when roster.json names an LMS, its import file
 * (canvas.csv or moodle.csv) and, for Moodle, feedback/moodle-feedback.zip.
 */
import * as fs from 'fs';
import * as path from 'path';
import { gradeClass, mergeReport, type ClassProgress } from './class';
import { DEFAULT_ASSIGNMENT, readSettings, settingsChanges, writeSettings } from './class_settings';
import { readRoster, type Refusal } from './collect';
import { GradingError } from './errors';
import { moodleFeedbackZip } from './feedback_export';
import type { GradeOptions, Report } from './grade';
import { canvasCsv, moodleCsv, type Lms, type Student } from './lms';
import { feedbackMarkdown, gradebookCsv } from './report';

export interface ClassOutputs {
  readonly gradebook: string;
  readonly feedback: string;
  /**
   * The Canvas assignment column, e.g. "Mixed precision (1234)" to match an existing assignment; by default the
   * one the class was last graded with (class.json).
   */
  readonly assignment?: string;
}

export function classOutputs(dir: string, given: Partial<ClassOutputs> = {}): ClassOutputs {
  return {
    gradebook: given.gradebook ?? path.join(dir, 'gradebook.csv'),
    feedback: given.feedback ?? path.join(dir, 'feedback'),
    ...(given.assignment ? { assignment: given.assignment } : {}),
  };
}

/** Every folder in `dir` but feedback/ and hidden ones is a student's submission. */
function studentFolders(dir: string): { dir: string; student: string }[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'feedback' && !e.name.startsWith('.'))
    .map((e) => ({ dir: path.join(dir, e.name), student: e.name }));
}

const REPORTS = '.reports';
const reportFile = (dir: string, student: string): string => path.join(dir, REPORTS, `${student}.json`);

/** Each student's previous report, when the class was graded before; a class graded in part is an error. */
function previousReports(dir: string, students: readonly string[]): Report[] | undefined {
  const missing = students.filter((s) => !fs.existsSync(reportFile(dir, s)));
  if (missing.length === students.length) return undefined;
  if (missing.length > 0) {
    throw new GradingError(
      `No previous report for ${missing.join(', ')}: grade the class without --only first, then regrade.`,
    );
  }
  return students.map((s) => JSON.parse(fs.readFileSync(reportFile(dir, s), 'utf8')) as Report);
}

/** Per column (question id, or total), how many students' grades a regrade changed. */
export type Changes = Map<string, number>;

function changes(before: readonly Report[], after: readonly Report[]): Changes {
  const counts: Changes = new Map();
  const bump = (column: string): void => void counts.set(column, (counts.get(column) ?? 0) + 1);
  before.forEach((b, i) => {
    const a = after[i]!;
    for (const q of a.questions) if (b.questions.find((p) => p.id === q.id)?.earned !== q.earned) bump(q.id);
    if (a.earned !== b.earned) bump('total');
  });
  return counts;
}

export interface GradedClass {
  readonly reports: Report[];
  readonly written: string[];
  /** After a regrade: per column, how many students' grades changed. */
  readonly changes?: Changes;
  /** Changes since the last grading that an LMS import would notice. */
  readonly warnings: string[];
}

/**
 * Grades every student folder and writes the class files. With `options.only`, grades just those questions;
 * where the class was graded before, merges them into each student's previous report, so that only their
 * columns (and the totals) can change.
 *
 *     const { written, warnings } = await gradeClassFolder('grading', {}, classOutputs('grading'));
 */
export async function gradeClassFolder(
  dir: string,
  options: GradeOptions,
  outputs: ClassOutputs,
  onProgress?: (p: ClassProgress) => void,
): Promise<GradedClass> {
  const submissions = studentFolders(dir);
  const students = submissions.map((s) => s.student);
  const previous = options.only ? previousReports(dir, students) : undefined;
  const graded = await gradeClass(submissions, options, onProgress);
  const reports = previous ? graded.map((r, i) => mergeReport(previous[i]!, r)) : graded;
  const roster = readRoster(dir);
  const before = readSettings(dir);
  const settings = {
    lms: roster?.lms ?? 'none',
    assignment: outputs.assignment ?? before?.assignment ?? DEFAULT_ASSIGNMENT,
    points: reports[0]?.points ?? 0,
    questions: reports[0]?.questions.map((q) => q.id) ?? [],
  } as const;
  const warnings = before && reports.length ? settingsChanges(before, settings) : [];
  if (reports.length) writeSettings(dir, settings);
  return {
    reports,
    written: writeClassFiles(dir, reports, outputs, settings.assignment, roster),
    ...(previous ? { changes: changes(previous, reports) } : {}),
    warnings,
  };
}

function write(file: string, text: string | Buffer): string {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Writes the gradebook, each student's feedback and report, and the LMS files; returns the files written. */
function writeClassFiles(
  dir: string,
  reports: readonly Report[],
  outputs: ClassOutputs,
  assignment: string,
  roster: { lms: Lms; students: Student[] } | undefined,
): string[] {
  const late = roster ? new Map(roster.students.map((s) => [s.key, s.late ?? ''])) : undefined;
  const written = [write(outputs.gradebook, gradebookCsv(reports, late))];
  for (const r of reports) {
    write(path.join(outputs.feedback, `${r.student}.md`), feedbackMarkdown(r));
    write(reportFile(dir, r.student), JSON.stringify(r, null, 1) + '\n');
  }
  written.push(`${outputs.feedback}/ (${reports.length} students)`);
  if (roster?.lms === 'canvas') {
    written.push(write(path.join(dir, 'canvas.csv'), canvasCsv(reports, roster.students, assignment)));
  } else if (roster?.lms === 'moodle') {
    written.push(write(path.join(dir, 'moodle.csv'), moodleCsv(reports, roster.students)));
    const zip = moodleFeedbackZip(reports, roster.students);
    written.push(write(path.join(outputs.feedback, 'moodle-feedback.zip'), zip));
  }
  return written;
}

/** Tells a student whose archive was refused why, in the feedback folder the others' feedback goes to. */
export function writeRefusals(outputs: ClassOutputs, refused: readonly Refusal[]): void {
  for (const r of refused) {
    if (!r.student || r.ignored) continue;
    write(
      path.join(outputs.feedback, `${r.student}.md`),
      `# Feedback for ${r.student}\n\nYour submission ${r.file} was not graded: ${r.reason}.\n`,
    );
  }
}

/**
 * What a learning management system (LMS) says about a submission, and what it imports back.
 *
 * - Canvas ("Download Submissions") names each file `<name>[_late]_<user id>_<submission id>_<file>`; its
 *   gradebook import reads `Student, ID, SIS User ID, SIS Login ID, Section` and one column per assignment,
 *   matching students by ID, with an optional "Points Possible" row.
 * - Moodle ("Download all submissions") names each file `<full name>_<participant>_assignsubmission_file_<file>`;
 *   its offline grading worksheet import ("Upload grading worksheet") needs the columns `Identifier`
 *   ("Participant <participant>"), `Grade` and `Last modified (grade)`, and reads `Feedback comments`.
 * - `none`: the file name without `.zip` is the student.
 */
import * as path from 'path';
import { GradingError } from './errors';
import type { Report } from './grade';

const LMS_NAMES = ['canvas', 'moodle', 'none'] as const;
export type Lms = (typeof LMS_NAMES)[number];

export function parseLms(name: string): Lms {
  const lms = LMS_NAMES.find((n) => n === name);
  if (!lms) throw new GradingError(`Unknown LMS ${JSON.stringify(name)}: use one of ${LMS_NAMES.join(', ')}.`);
  return lms;
}

/** A student as the LMS knows them, and the folder name (`key`) their submission is graded under. */
export interface Student {
  readonly key: string;
  readonly name: string;
  /** Canvas user ID or Moodle participant number; empty for `none`. */
  readonly id: string;
  /** The submitted file. */
  readonly file: string;
}

const PATTERNS: Record<Exclude<Lms, 'none'>, { regex: RegExp; form: string }> = {
  canvas: {
    regex: /^([a-z0-9]+)(?:_late)?_(\d+)_\d+_.+\.zip$/i,
    form: '<name>[_late]_<user id>_<submission id>_<file>.zip',
  },
  moodle: {
    regex: /^(.+?)_(\d+)_assignsubmission_file_.+\.zip$/,
    form: '<full name>_<participant>_assignsubmission_file_<file>.zip',
  },
};

/** A file or folder name that is safe on every platform and never hidden: accents dropped, the rest '-'. */
const slug = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'student';

/** Who submitted `file` (a zip file name), or why the name does not say. */
export function identify(file: string, lms: Lms): Student | { reason: string } {
  if (lms === 'none')
    return { key: slug(path.basename(file, '.zip')), name: path.basename(file, '.zip'), id: '', file };
  const { regex, form } = PATTERNS[lms];
  const m = regex.exec(file);
  if (!m) return { reason: `the name is not a ${lms} submission name (${form})` };
  return { key: `${slug(m[1]!)}_${m[2]}`, name: m[1]!, id: m[2]!, file };
}

const csvCell = (v: string | number): string =>
  /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
const csv = (rows: (string | number)[][]): string => rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';

function rowsFor(reports: readonly Report[], roster: readonly Student[]): [Report, Student][] {
  const byKey = new Map(roster.map((s) => [s.key, s]));
  return reports.flatMap((r) => (byKey.has(r.student) ? [[r, byKey.get(r.student)!] as [Report, Student]] : []));
}

/** Canvas gradebook import: one assignment column holding each student's total. */
export function canvasCsv(reports: readonly Report[], roster: readonly Student[], assignment: string): string {
  const max = reports[0]?.points ?? 0;
  return csv([
    ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', assignment],
    ['Points Possible', '', '', '', '', max],
    ...rowsFor(reports, roster).map(([r, s]) => [s.name, s.id, '', '', '', r.earned]),
  ]);
}

/** One line of feedback for an LMS comment field: the score, then each question short of full marks. */
export function feedbackLine(report: Report): string {
  const short = report.questions.filter((q) => q.earned < q.points).map((q) => `${q.id} ${q.earned}/${q.points}`);
  const loads = report.loadFailures.map((f) => `${f.file} did not load`);
  return [`${report.earned}/${report.points}`, ...loads, ...short].join('; ');
}

/** Moodle offline grading worksheet: the grade is the total; Moodle's maximum grade must equal `Maximum Grade`. */
export function moodleCsv(reports: readonly Report[], roster: readonly Student[]): string {
  return csv([
    ['Identifier', 'Full name', 'Grade', 'Maximum Grade', 'Last modified (grade)', 'Feedback comments'],
    ...rowsFor(reports, roster).map(([r, s]) => [
      `Participant ${s.id}`,
      s.name,
      r.earned,
      r.points,
      r.gradedAt.replace(/\.\d+Z$/, 'Z'),
      feedbackLine(r),
    ]),
  ]);
}

/**
 * What a learning management system (LMS) says about a submission in its download, and what it imports back.
 *
 * - Canvas ("Download Submissions", lib/content_zipper.rb): one file per upload, named
 *   `<name>[_LATE]_<user id>_<attachment id>_<file>`, where the name is the sortable name ("Lovelace, Ada")
 *   lower-cased with everything but Unicode word characters dropped ("lovelaceada", "núñezjosé", "王小明").
 *   With anonymous grading the name is left out and the id is `anon_<anonymous id>`. Its gradebook import
 *   reads `Student, ID, SIS User ID, SIS Login ID, Section` and one column per assignment, matching by ID.
 * - Moodle ("Download all submissions", mod/assign/classes/downloader.php): a prefix
 *   `<full name>_<participant>` (underscores in the name become spaces; blind marking names everyone
 *   "Participant"), then, by default since Moodle 3.1, a folder per student and plugin,
 *   `<prefix>_assignsubmission_file/<files>`, or with "download as folders" off, flat files
 *   `<prefix>_assignsubmission_file_<file>`. Its offline grading worksheet import needs `Identifier`
 *   ("Participant <n>"), `Grade` and `Last modified (grade)`, and reads `Feedback comments`.
 * - `none`: each zip file (or folder) is one student, named after it.
 */
import { toCsv } from './csv';
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
  /** As the download spells it (Canvas: "lovelaceada"; Moodle: "Ada Lovelace"; anonymous Canvas: ""). */
  readonly name: string;
  /** Canvas user ID or Moodle participant number; empty where the LMS hides it (Canvas anonymous) or for none. */
  readonly id: string;
  /** Canvas anonymous grading's id for the submission. */
  readonly anonymousId?: string;
  /** How late, in the LMS's words ("LATE", "2 days 3 hours late"); absent when on time or not known. */
  readonly late?: string;
  /** The submitted file or folder, as named in the download. */
  readonly file: string;
}

/** An entry of a download: a student's submission, something to pass over (with why), or a name not understood. */
export type Identified = { student: Student } | { skip: string } | { reason: string };

const CANVAS_FORM = '<name>[_LATE]_<user id>_<attachment id>_<file>, or [LATE_]anon_<id>_<attachment id>_<file>';
const CANVAS_ANONYMOUS = /^(?:(LATE)_)?anon_([A-Za-z0-9]+)_(\d+)_(.+)$/i;
// The name keeps Ruby's [[:word:]]: letters, marks, digits and connector punctuation, in any script.
const CANVAS_NAMED = /^([\p{L}\p{M}\p{N}\p{Pc}]+?)(?:_(LATE))?_(\d+)_(\d+)_(.+)$/iu;

const MOODLE_FORM = '<full name>_<participant>_assignsubmission_file[/ or _]<file>';
// The name part never holds '_' (Moodle turns them into spaces); older versions end a folder name with '_'.
const MOODLE = /^([^_]+)_(\d+)_assignsubmission_([a-z]+)(?:_(.*))?$/;

/**
 * The most bytes (UTF-8) a name keeps in a folder name: file systems allow 255 bytes a name, and the grader
 * adds an id, a prefix ('.unpacking-') or a suffix ('.md') to it.
 */
const SLUG_BYTES = 120;

/** `s` cut to at most `bytes` bytes of UTF-8, never inside a character. */
function byBytes(s: string, bytes: number): string {
  let out = '';
  for (const c of s) {
    if (Buffer.byteLength(out + c) > bytes) break;
    out += c;
  }
  return out;
}

/**
 * A folder name that is safe on every platform and never hidden: letters and digits of any script, '-' between,
 * short enough in bytes for any file system (a name can grow under NFC).
 */
const slug = (s: string): string =>
  byBytes(s.normalize('NFC').replace(/[^\p{L}\p{M}\p{N}_-]+/gu, '-'), SLUG_BYTES).replace(/^[-_]+|[-_]+$/g, '') ||
  'student';

/** Folder names in a class folder that are the grader's, not a student's. */
const RESERVED = new Set(['feedback']);

function canvas(entry: string, folder: boolean): Identified {
  if (folder) return { reason: `a folder, but a Canvas download holds one file per upload (${CANVAS_FORM})` };
  const anonymous = CANVAS_ANONYMOUS.exec(entry);
  if (anonymous) {
    const [, late, anonymousId] = anonymous;
    return {
      student: { key: `anon_${anonymousId}`, name: '', id: '', anonymousId, file: entry, ...(late ? { late } : {}) },
    };
  }
  const named = CANVAS_NAMED.exec(entry);
  if (!named) return { reason: `the name is not a Canvas download name (${CANVAS_FORM})` };
  const [, name, late, id] = named;
  return { student: { key: `${slug(name!)}_${id}`, name: name!, id: id!, file: entry, ...(late ? { late } : {}) } };
}

function moodle(entry: string, folder: boolean): Identified {
  const m = MOODLE.exec(entry);
  if (!m || (!folder && !m[4])) return { reason: `the name is not a Moodle download name (${MOODLE_FORM})` };
  const [, name, id, plugin] = m;
  if (plugin !== 'file') return { skip: `${plugin} is not a file submission: only the submitted zip is graded` };
  return { student: { key: `${slug(name!)}_${id}`, name: name!, id: id!, file: entry } };
}

function none(entry: string, folder: boolean): Identified {
  if (!folder && !entry.toLowerCase().endsWith('.zip')) return { reason: 'not a zip file' };
  const name = folder ? entry : entry.slice(0, -'.zip'.length);
  return { student: { key: slug(name), name, id: '', file: entry } };
}

/**
 * Who submitted a top-level entry of an LMS download (a file, or a folder where `folder`).
 *
 *     identify('lovelaceada_LATE_101_9001_exercises.zip', false, 'canvas').student
 *     // { key: 'lovelaceada_101', name: 'lovelaceada', id: '101', late: 'LATE', file: … }
 */
export function identify(entry: string, folder: boolean, lms: Lms): Identified {
  const found =
    lms === 'canvas' ? canvas(entry, folder) : lms === 'moodle' ? moodle(entry, folder) : none(entry, folder);
  if ('student' in found && RESERVED.has(found.student.key)) {
    return { reason: `'${found.student.key}' is the name of the grader's own folder: rename the file` };
  }
  return found;
}

function rowsFor(reports: readonly Report[], roster: readonly Student[]): [Report, Student][] {
  const byKey = new Map(roster.map((s) => [s.key, s]));
  return reports.flatMap((r) => (byKey.has(r.student) ? [[r, byKey.get(r.student)!] as [Report, Student]] : []));
}

/**
 * Canvas gradebook import: one assignment column holding each student's total. Anonymous submissions are
 * left out: the download does not name their user IDs, which the import matches on.
 */
export function canvasCsv(reports: readonly Report[], roster: readonly Student[], assignment: string): string {
  const max = reports[0]?.points ?? 0;
  return toCsv([
    ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', assignment],
    ['Points Possible', '', '', '', '', max],
    ...rowsFor(reports, roster)
      .filter(([, s]) => s.id !== '')
      .map(([r, s]) => [s.name, s.id, '', '', '', r.earned]),
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
  return toCsv([
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

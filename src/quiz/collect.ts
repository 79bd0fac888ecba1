/**
 * Collecting a class from an LMS download: the download zip as it comes, or a folder it was unpacked into.
 * Its entries are read by the LMS's naming (lms.ts): Canvas's files, Moodle's folder per student (its default)
 * or flat files. Each student's submission (their one zip, or the files of their Moodle folder) is unpacked
 * into CLASS/<student>/ with the submission's own folder (the one holding lessonN/ or answers.json) at the
 * top, however deep the student zipped it. Nothing of a refused submission is written; every refused file is
 * listed with its reason, and, given the LMS's class list, so is everyone who submitted nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { toCsv } from './csv';
import { GradingError } from './errors';
import { identify, type Lms, type Student } from './lms';
import { readEnrolled, type Enrolled } from './roster';
import { checkedFiles, copyFolder, messageOf, RefusedArchive, SKIPPED, unpackZip, type Limits } from './unpack';

/** A whole class's download: many submissions, each still checked against the submission limits. */
const DOWNLOAD_LIMITS: Limits = { bytes: 4 * 2 ** 30, entries: 200_000 };

export interface Refusal {
  /** The file or folder, as named in the download. */
  readonly file: string;
  readonly reason: string;
  /** The student's folder name, where the name says who it is. */
  readonly student?: string;
  /** Passed over (an extra file, an online text) while the student's submission was graded. */
  readonly ignored?: boolean;
}

export interface Collection {
  readonly students: Student[];
  readonly refused: Refusal[];
  /** Enrolled (in the class list given) but nothing in the download. */
  readonly missing: Enrolled[];
}

export interface CollectOptions {
  /** The LMS's class list (Canvas gradebook export, Moodle grading worksheet). */
  readonly roster?: string;
}

/** Files written into the class folder. */
const ROSTER = 'roster.json';
export const REFUSED_CSV = 'refused.csv';
const MISSING_CSV = 'no-submission.csv';

/** The submission's own folder inside an unpacked archive: the shallowest holding lessonN/ or answers.json. */
function submissionRoot(dir: string): string {
  let level = [dir];
  while (level.length > 0) {
    const found = level.filter((d) =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .some((e) => (e.isFile() && e.name === 'answers.json') || (e.isDirectory() && /^lesson\d+$/.test(e.name))),
    );
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      const names = found.map((d) => path.relative(dir, d) || '.').join(', ');
      throw new RefusedArchive(`it holds more than one submission folder (${names}): zip one`);
    }
    level = level.flatMap((d) =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => path.join(d, e.name)),
    );
  }
  throw new RefusedArchive('it holds no lessonN/ folder and no answers.json: zip the exercises folder');
}

const isZip = (name: string): boolean => name.toLowerCase().endsWith('.zip');

/** The zips anywhere in a folder, as paths relative to it. */
function zipsIn(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((rel) => isZip(rel) && !rel.split(path.sep).some((p) => SKIPPED.has(p)));
}

/**
 * Puts one student's submission into `staging`: the one zip among their files, or their Moodle folder (its one
 * zip, or the files themselves). Returns the files passed over, with why.
 */
async function stage(source: string, entries: readonly string[], staging: string): Promise<Refusal[]> {
  const folder = entries.find((e) => fs.statSync(path.join(source, e)).isDirectory());
  if (folder) {
    const dir = path.join(source, folder);
    const zips = zipsIn(dir);
    if (zips.length > 1) throw new RefusedArchive(`it holds ${zips.length} zip files (${zips.join(', ')}): submit one`);
    if (zips.length === 0) {
      copyFolder(dir, staging);
      return [];
    }
    await unpackZip(path.join(dir, zips[0]!), staging);
    return checkedFiles(dir)
      .filter((rel) => rel !== zips[0]!.split(path.sep).join('/'))
      .map((rel) => ({ file: `${folder}/${rel}`, reason: `not graded: only ${zips[0]} is`, ignored: true }));
  }
  const zips = entries.filter(isZip);
  if (zips.length === 0) throw new RefusedArchive('not a zip file: submit the zip that npm run submit makes');
  if (zips.length > 1)
    throw new RefusedArchive(`${zips.length} zip files for one student (${zips.join(', ')}): submit one`);
  await unpackZip(path.join(source, zips[0]!), staging);
  return entries
    .filter((e) => e !== zips[0])
    .map((file) => ({ file, reason: `not graded: only ${zips[0]} is`, ignored: true }));
}

/** The download's top-level entries by student, and what could not be read as anyone's. */
function entriesByStudent(
  source: string,
  lms: Lms,
): { groups: Map<string, { student: Student; entries: string[] }>; refused: Refusal[] } {
  const groups = new Map<string, { student: Student; entries: string[] }>();
  const refused: Refusal[] = [];
  for (const entry of fs.readdirSync(source).sort()) {
    if (entry.startsWith('.') || SKIPPED.has(entry)) continue;
    const found = identify(entry, fs.statSync(path.join(source, entry)).isDirectory(), lms);
    if ('reason' in found) refused.push({ file: entry, reason: found.reason });
    else if ('skip' in found) refused.push({ file: entry, reason: found.skip, ignored: true });
    else {
      const group = groups.get(found.student.key);
      if (group) group.entries.push(entry);
      else groups.set(found.student.key, { student: found.student, entries: [entry] });
    }
  }
  return { groups, refused };
}

/** Where a download's submissions are, and the entries of it that could not be written (refused, with why). */
interface Download {
  readonly source: string;
  readonly unwritable: readonly { readonly file: string; readonly reason: string }[];
  cleanup(): void;
}

/**
 * The folder holding a download's entries: a download zip unpacked (checked as a whole) beside the class, or
 * the folder given; either one level down where it holds nothing but one folder that is no student's (a
 * download unzipped into a folder of its name, then zipped again).
 */
async function downloadFolder(from: string, to: string, lms: Lms): Promise<Download> {
  if (!fs.existsSync(from)) {
    throw new GradingError(`No download at ${from}: give the LMS's download zip, or the folder it was unpacked into.`);
  }
  let source = from;
  let cleanup = (): void => undefined;
  const unwritable: { file: string; reason: string }[] = [];
  if (!fs.statSync(from).isDirectory()) {
    source = path.join(to, '.download');
    fs.rmSync(source, { recursive: true, force: true });
    fs.mkdirSync(source);
    cleanup = (): void => fs.rmSync(source, { recursive: true, force: true });
    try {
      await unpackZip(from, source, DOWNLOAD_LIMITS, (file, reason) => unwritable.push({ file, reason }));
    } catch (e) {
      cleanup();
      throw e instanceof RefusedArchive ? new GradingError(`The download ${from} was refused: ${e.message}.`) : e;
    }
  }
  for (;;) {
    const entries = fs.readdirSync(source).filter((e) => !e.startsWith('.') && !SKIPPED.has(e));
    const only = entries.length === 1 ? path.join(source, entries[0]!) : undefined;
    if (!only || !fs.statSync(only).isDirectory() || 'student' in identify(entries[0]!, true, lms)) break;
    source = only;
  }
  return { source, unwritable, cleanup };
}

/**
 * Unpacks every submission in an LMS download into `to`/<student>/, and writes `to`/roster.json (who is who,
 * for the LMS imports), `to`/refused.csv and, given a class list, `to`/no-submission.csv.
 *
 *     const { students, refused, missing } = await collectClass('Course-Assignment-12.zip', 'grading', 'moodle');
 */
export async function collectClass(
  from: string,
  to: string,
  lms: Lms,
  options: CollectOptions = {},
): Promise<Collection> {
  fs.mkdirSync(to, { recursive: true });
  const enrolled = options.roster ? readEnrolled(options.roster, lms) : undefined;
  const download = await downloadFolder(from, to, lms);
  const students: Student[] = [];
  const { groups, refused } = entriesByStudent(download.source, lms);
  refused.push(...download.unwritable);
  try {
    for (const { student, entries } of groups.values()) {
      // unpacked beside the class (a hidden folder, never graded), then moved into place whole
      const staging = path.join(to, `.unpacking-${student.key}`);
      try {
        fs.rmSync(staging, { recursive: true, force: true });
        fs.mkdirSync(staging);
        const passed = await stage(download.source, entries, staging);
        const dest = path.join(to, student.key);
        fs.rmSync(dest, { recursive: true, force: true });
        fs.renameSync(submissionRoot(staging), dest);
        const late = student.late ?? enrolled?.find((e) => e.id === student.id && student.id !== '')?.late;
        students.push({ ...student, file: entries.join(', '), ...(late ? { late } : {}) });
        refused.push(...passed.map((r) => ({ ...r, student: student.key })));
      } catch (e) {
        // whatever goes wrong with one student's files (a name too long for the disk, a file where a folder
        // must be) refuses that student, with the reason, and the class goes on
        const reason = e instanceof RefusedArchive ? e.message : `it could not be unpacked (${messageOf(e)})`;
        // an earlier collection's folder for this student must not be graded in place of this submission
        fs.rmSync(path.join(to, student.key), { recursive: true, force: true });
        refused.push(...entries.map((file) => ({ file, reason, student: student.key })));
      } finally {
        fs.rmSync(staging, { recursive: true, force: true });
      }
    }
  } finally {
    download.cleanup();
  }
  const seen = new Set([...groups.values()].map((g) => g.student.id));
  const missing = (enrolled ?? []).filter((e) => !seen.has(e.id));
  writeCollection(to, lms, { students, refused, missing }, !!enrolled);
  return { students, refused, missing };
}

function writeCollection(to: string, lms: Lms, c: Collection, listed: boolean): void {
  fs.writeFileSync(path.join(to, ROSTER), JSON.stringify({ lms, students: c.students }, null, 2) + '\n');
  const refusals = c.refused.map((r) => [r.file, r.student ?? '', r.ignored ? 'ignored' : 'refused', r.reason]);
  fs.writeFileSync(path.join(to, REFUSED_CSV), toCsv([['file', 'student', 'status', 'reason'], ...refusals]));
  if (listed)
    fs.writeFileSync(path.join(to, MISSING_CSV), toCsv([['id', 'name'], ...c.missing.map((m) => [m.id, m.name])]));
}

/** The roster a collection wrote, if any. */
export function readRoster(dir: string): { lms: Lms; students: Student[] } | undefined {
  const file = path.join(dir, ROSTER);
  return fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { lms: Lms; students: Student[] })
    : undefined;
}

/**
 * Collecting a class from an LMS export: a folder of zip files, one per student, each unpacked into
 * CLASS/<student>/ with the submission's own folder (the one holding lessonN/ or answers.json) at the top,
 * however deep the student zipped it. An archive is refused, with the reason, and nothing of it written,
 * when an entry's path escapes the folder, an entry is a symbolic link, or it expands to more than the
 * limits (a zip bomb, or a whole disk zipped by mistake). node_modules/, .git/ and macOS's __MACOSX/ are
 * skipped unread. The archives are read with yauzl, which checks every entry's name and actual size.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import * as yauzl from 'yauzl';
import { identify, type Lms, type Student } from './lms';

/** A submission is a few small TypeScript files and answers.json; the limits leave room for notes and images. */
const MAX_BYTES = 20 << 20; // the kept entries together, unpacked
const MAX_ENTRIES = 2000;

class RefusedArchive extends Error {
  override name = 'RefusedArchive';
}

const SKIPPED = new Set(['node_modules', '.git', '__MACOSX']);
const MADE_ON_UNIX = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

const mib = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function isSymlink(e: yauzl.Entry): boolean {
  return e.versionMadeBy >> 8 === MADE_ON_UNIX && ((e.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

/** The entries to unpack, after checking all of them: nothing is written unless every check passes. */
async function checkedEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const kept: yauzl.Entry[] = [];
  let bytes = 0;
  try {
    // yauzl refuses absolute names and '..' segments before yielding an entry
    for await (const e of zip.eachEntry()) {
      if (e.fileName.split('/').some((part) => SKIPPED.has(part))) continue;
      if (isSymlink(e)) throw new RefusedArchive(`${e.fileName} is a symbolic link: zip the files themselves`);
      if (kept.length === MAX_ENTRIES) throw new RefusedArchive(`more than ${MAX_ENTRIES} entries`);
      bytes += e.uncompressedSize;
      kept.push(e);
    }
  } catch (e) {
    if (e instanceof RefusedArchive) throw e;
    const message = messageOf(e);
    throw new RefusedArchive(
      /^(absolute path|invalid relative path)/.test(message)
        ? `an entry's path escapes the folder (${message})`
        : `not a readable zip file (${message})`,
    );
  }
  if (bytes > MAX_BYTES) {
    throw new RefusedArchive(`it expands to ${mib(bytes)}, more than the ${mib(MAX_BYTES)} a submission may`);
  }
  return kept;
}

/** Unpacks `archive` into the empty folder `dest`. */
async function unpack(archive: string, dest: string): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archive, { lazyEntries: true, autoClose: false });
  } catch (e) {
    throw new RefusedArchive(`not a readable zip file (${messageOf(e)})`);
  }
  try {
    const entries = await checkedEntries(zip);
    const root = path.resolve(dest);
    for (const e of entries) {
      const target = path.resolve(root, e.fileName);
      if (!target.startsWith(root + path.sep)) throw new RefusedArchive(`${e.fileName} escapes the folder`);
      if (e.fileName.endsWith('/')) {
        fs.mkdirSync(target, { recursive: true });
        continue;
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      try {
        // 'wx': never overwrite, so a repeated name cannot replace a file already checked
        await pipeline(await zip.openReadStreamPromise(e), fs.createWriteStream(target, { flags: 'wx' }));
      } catch (err) {
        throw new RefusedArchive(`${e.fileName} could not be unpacked (${messageOf(err)})`);
      }
    }
  } finally {
    zip.close();
  }
}

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

/** Who is who in a collected class folder, for the LMS imports. */
const ROSTER = 'roster.json';

export interface Refusal {
  readonly file: string;
  readonly reason: string;
  /** The student's folder name, where the file name says who it is. */
  readonly student?: string;
}

export interface Collection {
  readonly students: Student[];
  readonly refused: Refusal[];
}

/** Unpacks every zip in `from` into `to`/<student>/ and writes `to`/roster.json (who is who, for LMS exports). */
export async function collectClass(from: string, to: string, lms: Lms): Promise<Collection> {
  const students: Student[] = [];
  const refused: Refusal[] = [];
  fs.mkdirSync(to, { recursive: true });
  for (const file of fs.readdirSync(from).sort()) {
    const student = identify(file, lms);
    if (!fs.statSync(path.join(from, file)).isFile() || !file.toLowerCase().endsWith('.zip')) {
      refused.push({ file, reason: 'not a zip file' });
    } else if ('reason' in student) {
      refused.push({ file, reason: student.reason });
    } else if (students.some((s) => s.key === student.key)) {
      refused.push({ file, reason: `a second archive for ${student.key}` });
    } else {
      // unpacked beside the class (a hidden folder, never graded), then moved into place whole
      const staging = path.join(to, `.unpacking-${student.key}`);
      fs.rmSync(staging, { recursive: true, force: true });
      fs.mkdirSync(staging);
      try {
        await unpack(path.join(from, file), staging);
        const dest = path.join(to, student.key);
        fs.rmSync(dest, { recursive: true, force: true });
        fs.renameSync(submissionRoot(staging), dest);
        students.push(student);
      } catch (e) {
        if (!(e instanceof RefusedArchive)) throw e;
        // an earlier collection's folder for this student must not be graded in place of this archive
        fs.rmSync(path.join(to, student.key), { recursive: true, force: true });
        refused.push({ file, reason: e.message, student: student.key });
      } finally {
        fs.rmSync(staging, { recursive: true, force: true });
      }
    }
  }
  fs.writeFileSync(path.join(to, ROSTER), JSON.stringify({ lms, students }, null, 2) + '\n');
  return { students, refused };
}

/** The roster a collection wrote, if any. */
export function readRoster(dir: string): { lms: Lms; students: Student[] } | undefined {
  const file = path.join(dir, ROSTER);
  return fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { lms: Lms; students: Student[] })
    : undefined;
}

/**
 * Unpacking what students send, checked before anything is written. A zip (read with yauzl, which refuses
 * absolute names and '..' segments and checks each entry's actual size) or a folder is refused, with the
 * reason, when an entry's path escapes the folder, an entry is a symbolic link, or it holds more than the
 * limits allow (a zip bomb, or a whole disk zipped by mistake). node_modules/, .git/ and macOS's __MACOSX/
 * are skipped unread.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import * as yauzl from 'yauzl';

export interface Limits {
  /** The kept entries together, unpacked. */
  readonly bytes: number;
  readonly entries: number;
}

/** A submission is a few small TypeScript files and answers.json; the limits leave room for notes and images. */
export const SUBMISSION_LIMITS: Limits = { bytes: 20 << 20, entries: 2000 };

export class RefusedArchive extends Error {
  override name = 'RefusedArchive';
}

export const SKIPPED = new Set(['node_modules', '.git', '__MACOSX']);
const MADE_ON_UNIX = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export const mib = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function isSymlink(e: yauzl.Entry): boolean {
  return e.versionMadeBy >> 8 === MADE_ON_UNIX && ((e.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

/** Counts entries and bytes against the limits, throwing the refusal that names the one exceeded. */
function counter(limits: Limits): (bytes: number) => void {
  let entries = 0;
  let total = 0;
  return (bytes) => {
    if (++entries > limits.entries) throw new RefusedArchive(`more than ${limits.entries} entries`);
    total += bytes;
    if (total > limits.bytes) {
      throw new RefusedArchive(`it expands to more than the ${mib(limits.bytes)} a submission may`);
    }
  };
}

/** The entries to unpack, after checking all of them: nothing is written unless every check passes. */
async function checkedEntries(zip: yauzl.ZipFile, limits: Limits): Promise<yauzl.Entry[]> {
  const kept: yauzl.Entry[] = [];
  let bytes = 0;
  try {
    for await (const e of zip.eachEntry()) {
      if (e.fileName.split('/').some((part) => SKIPPED.has(part))) continue;
      if (isSymlink(e)) throw new RefusedArchive(`${e.fileName} is a symbolic link: zip the files themselves`);
      if (kept.length === limits.entries) throw new RefusedArchive(`more than ${limits.entries} entries`);
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
  if (bytes > limits.bytes) {
    throw new RefusedArchive(`it expands to ${mib(bytes)}, more than the ${mib(limits.bytes)} a submission may`);
  }
  return kept;
}

/**
 * Unpacks `archive` into the empty folder `dest`, or throws RefusedArchive having written nothing of it. Given
 * `unwritable`, an entry the disk cannot hold (a name too long, a file where a folder must go) is reported to it
 * and skipped rather than refusing the archive: an LMS download holds many students, and one name must not
 * stop the others.
 */
export async function unpackZip(
  archive: string,
  dest: string,
  limits = SUBMISSION_LIMITS,
  unwritable?: (entry: string, reason: string) => void,
): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archive, { lazyEntries: true, autoClose: false });
  } catch (e) {
    throw new RefusedArchive(`not a readable zip file (${messageOf(e)})`);
  }
  try {
    const entries = await checkedEntries(zip, limits);
    const root = path.resolve(dest);
    for (const e of entries) {
      const target = path.resolve(root, e.fileName);
      if (!target.startsWith(root + path.sep)) throw new RefusedArchive(`${e.fileName} escapes the folder`);
      try {
        if (e.fileName.endsWith('/')) {
          fs.mkdirSync(target, { recursive: true });
          continue;
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        // 'wx': never overwrite, so a repeated name cannot replace a file already checked
        await pipeline(await zip.openReadStreamPromise(e), fs.createWriteStream(target, { flags: 'wx' }));
      } catch (err) {
        const reason = `${e.fileName} could not be unpacked (${messageOf(err)})`;
        if (!unwritable) throw new RefusedArchive(reason);
        unwritable(e.fileName, reason);
      }
    }
  } finally {
    zip.close();
  }
}

/** The files under `dir` (relative paths), checked: no links, within the limits, skipped folders left out. */
export function checkedFiles(dir: string, limits = SUBMISSION_LIMITS): string[] {
  const count = counter(limits);
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (SKIPPED.has(e.name)) continue;
      if (e.isSymbolicLink()) throw new RefusedArchive(`${child} is a symbolic link: submit the files themselves`);
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) {
        count(fs.statSync(path.join(dir, child)).size);
        files.push(child);
      }
    }
  };
  walk('');
  return files;
}

/** Copies a submitted folder into the empty folder `dest`, after checking all of it. */
export function copyFolder(from: string, dest: string, limits = SUBMISSION_LIMITS): void {
  for (const rel of checkedFiles(from, limits)) {
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    fs.copyFileSync(path.join(from, rel), path.join(dest, rel));
  }
}

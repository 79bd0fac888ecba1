/**
 * Archives for tests, written with the grader's own zip writer (src/quiz/zip.ts), so that they can hold what
 * no careful tool would write: entries named `../x`, symbolic links, highly compressed filler.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ZipEntry } from '../../src/quiz/zip';

export { writeZip, type ZipEntry } from '../../src/quiz/zip';

/** The files under `dir`, as entries named `prefix` + their relative path. */
export function entriesOf(dir: string, prefix = ''): ZipEntry[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return { name: prefix + path.relative(dir, file).split(path.sep).join('/'), data: fs.readFileSync(file) };
    });
}

/** Submissions for the grading tests and the grading bench, written outside the repository as collected ones are. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '../..');
export const SOLUTIONS = path.join(ROOT, 'solutions');
export const EXERCISES = path.join(ROOT, 'exercises');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** A copy of `base` (the reference solutions by default) with some files replaced or added. */
export function writeSubmission(dir: string, files: Record<string, string> = {}, base = SOLUTIONS): string {
  fs.cpSync(base, dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** A solution file with one function's body replaced ('export function NAME(…) {' up to its closing line). */
export function replaceBody(file: string, name: string, body: string, preamble = ''): string {
  const source = fs.readFileSync(path.join(SOLUTIONS, file), 'utf8');
  const start = source.indexOf(`export function ${name}(`);
  if (start < 0) throw new Error(`${file} has no function ${name}: the exercise was renamed?`);
  const open = source.indexOf('{\n', source.indexOf(')', start)) + 2;
  const close = source.indexOf('\n}\n', open);
  return `${preamble}\n${source.slice(0, open)}  ${body}${source.slice(close)}`;
}

/**
 * Writes exercises/ from solutions/ (npm run exercises). Never edit exercises/ by hand: a test fails while
 * it differs from what this script produces. Each exercise's doc comment also says what its question may
 * use (from the question bank), so regenerate after changing a question's `uses`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadQuestions } from '../src/quiz/bank';
import { usesNote } from '../src/quiz/allowed';
import { generateStub } from '../src/quiz/stubs';

const ROOT = path.join(__dirname, '..');
export const SOLUTIONS = path.join(ROOT, 'solutions');
export const EXERCISES = path.join(ROOT, 'exercises');

/** Every .ts file under solutions/, as paths relative to it. */
export function solutionFiles(dir = SOLUTIONS, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? solutionFiles(path.join(dir, e.name), path.join(prefix, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(prefix, e.name)]
          : [],
    );
}

/** What each question may use, as a sentence for its exercise's doc comment. */
function usesNotes(): Map<string, string> {
  const notes = new Map<string, string>();
  for (const q of loadQuestions()) {
    const note = q.kind === 'code' ? usesNote(q) : undefined;
    if (note) notes.set(q.id, note);
  }
  return notes;
}

/** The stub for one solution file. */
export function stubFor(relative: string): string {
  const depth = relative.split(path.sep).length; // exercises/lessonN/index.ts → ../../src/quiz/errors
  const up = '../'.repeat(depth);
  const source = fs.readFileSync(path.join(SOLUTIONS, relative), 'utf8');
  return generateStub(source, `${up}src/quiz/errors`, usesNotes());
}

/** The concept-quiz answer sheet students fill in: solutions/answers.json's questions, unanswered. */
export function answersTemplate(): string {
  const ids = Object.keys(JSON.parse(fs.readFileSync(path.join(SOLUTIONS, 'answers.json'), 'utf8')) as object);
  return JSON.stringify(Object.fromEntries(ids.map((id) => [id, null])), null, 2) + '\n';
}

if (require.main === module) {
  for (const file of solutionFiles()) {
    const target = path.join(EXERCISES, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, stubFor(file));
    console.log(`wrote exercises/${file}`);
  }
  fs.writeFileSync(path.join(EXERCISES, 'answers.json'), answersTemplate());
  console.log('wrote exercises/answers.json');
}

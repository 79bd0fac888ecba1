/**
 * The student release: the repository minus solutions/, the instructor's question sources and tests, plus
 * bank.json: public cases only, hidden cases counted but not included, concept answers as HMACs under the
 * instructor's course key (answers.ts), which stays behind. It is a repository of its own (release_files.ts):
 * a README for students, a .gitignore, the LICENSE, and a GitHub Classroom workflow that runs the public checks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { answerHash, courseKey } from './answers';
import { loadQuestions } from './bank';
import { GradingError } from './errors';
import type { Question } from './question';
import { classroomWorkflow, lessonsIn, RELEASE_GITIGNORE, studentReadme } from './release_files';
import { toWire } from './wire';

/** What the release's bank holds for a question. */
export function publicQuestion(q: Question): object {
  if (q.kind !== 'code') {
    const { answer, ...rest } = q;
    return { ...rest, answerHash: answerHash(q.id, answer, courseKey(true)!, q.choices) };
  }
  const hidden = q.cases.filter((c) => c.hidden);
  return {
    ...q,
    cases: q.cases.filter((c) => !c.hidden),
    hiddenCases: hidden.length,
    hiddenPoints: hidden.reduce((s, c) => s + c.points, 0),
  };
}

/** Paths copied into a release, relative to the repository root. */
export const RELEASE_PATHS = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  '.mocharc.json',
  'LICENSE',
  'notebooks',
  'exercises',
  'src/mp',
  'src/course',
  'src/quiz',
  'src/cli',
  'scripts/setup-python.sh',
  'scripts/start.ts',
  'scripts/kernel',
  'scripts/course',
  'scripts/notebooks',
  'scripts/hub',
  'binder',
  'requirements-jupyter.txt',
];
/** npm scripts kept in a release; `prepare` builds the kernel's library bundle when a student installs. */
const STUDENT_SCRIPTS = ['prepare', 'start', 'html', 'kernel', 'resources', 'grade', 'submit', 'train', 'typecheck'];
/** Left out of src/quiz in a release. */
const INSTRUCTOR_ONLY = ['questions'];

export function writeRelease(root: string, out: string): string[] {
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    throw new GradingError(`The release folder ${out} is not empty; choose a new folder.`);
  }
  const written: string[] = [];
  for (const rel of RELEASE_PATHS) {
    const from = path.join(root, rel);
    if (!fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(out, rel), {
      recursive: true,
      filter: (src) =>
        !INSTRUCTOR_ONLY.some((x) => src === path.join(root, 'src/quiz', x)) && !src.includes('node_modules'),
    });
    written.push(rel);
  }
  // The release has no tests, benchmarks or instructor scripts: keep the scripts a student uses.
  const pkgFile = path.join(out, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { scripts: Record<string, string> };
  pkg.scripts = Object.fromEntries(Object.entries(pkg.scripts).filter(([name]) => STUDENT_SCRIPTS.includes(name)));
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
  const bank = loadQuestions().map(publicQuestion) as Question[];
  fs.writeFileSync(path.join(out, 'src/quiz/bank.json'), toWire(bank));
  written.push('src/quiz/bank.json');
  const lessons = lessonsIn(root);
  const files: [string, string][] = [
    ['README.md', studentReadme(bank, lessons)],
    ['.gitignore', RELEASE_GITIGNORE],
    ['.github/workflows/classroom.yml', classroomWorkflow(bank, lessons)],
  ];
  for (const [rel, text] of files) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), text);
    written.push(rel);
  }
  return written;
}

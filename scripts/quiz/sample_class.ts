/**
 * A generated class: correct, partial, empty and hostile submissions in a fixed mix, with the gradebook
 * row each must get. The class test grades it through `npm run grade -- --class`; `npm run bench -- grading`
 * times it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadQuestions, pointsOf } from '../../src/quiz';
import { EXERCISES, replaceBody, ROOT, SOLUTIONS, tempDir, writeSubmission } from './submissions';

interface Kind {
  readonly name: string;
  /** Files replaced in a copy of the solutions. */
  readonly files: () => Record<string, string>;
  /** Question ids that score 0. */
  readonly zero: (id: string) => boolean;
  readonly base?: string;
}

const lessonOf = (id: string): number => Number(/^l(\d)/.exec(id)![1]);
const isCode = (id: string): boolean => /\.q\d$/.test(id);
const stubOf = (lesson: number): string => fs.readFileSync(path.join(EXERCISES, `lesson${lesson}/index.ts`), 'utf8');
const answers = fs.readFileSync(path.join(SOLUTIONS, 'answers.json'), 'utf8');

const KINDS: Kind[] = [
  { name: 'correct', files: () => ({}), zero: () => false },
  {
    name: 'partial', // lessons 1–3 done, 4–6 not started
    files: () => Object.fromEntries([4, 5, 6].map((l) => [`lesson${l}/index.ts`, stubOf(l)])),
    zero: (id) => isCode(id) && lessonOf(id) >= 4,
  },
  { name: 'empty', files: () => ({}), zero: () => true, base: EXERCISES },
  {
    name: 'throws-at-load',
    files: () => ({ 'lesson5/index.ts': `throw new Error('broken');\n${stubOf(5)}` }),
    zero: (id) => isCode(id) && lessonOf(id) === 5,
  },
  {
    name: 'exits-at-load',
    files: () => ({ 'lesson2/index.ts': `process.exit(1);\n${stubOf(2)}` }),
    zero: (id) => isCode(id) && lessonOf(id) === 2,
  },
  {
    name: 'replaces-a-global',
    files: () => ({
      'lesson1/index.ts': `Object.defineProperty(globalThis, 'Math', { value: {} });\n${fs.readFileSync(path.join(SOLUTIONS, 'lesson1/index.ts'), 'utf8')}`,
    }),
    zero: (id) => isCode(id) && lessonOf(id) === 1,
  },
  {
    name: 'calls-the-library',
    files: () => ({
      'lesson3/index.ts': replaceBody(
        'lesson3/index.ts',
        'roundToFloat16',
        "return roundArray(new Float32Array([x]), 'float16')[0]!;",
        "import { roundArray } from '../../src/mp';",
      ),
    }),
    zero: (id) => id === 'l3.q1',
  },
  {
    name: 'reads-the-solutions',
    files: () => ({
      'lesson6/index.ts': replaceBody(
        'lesson6/index.ts',
        'decodeE4M3',
        "return require(require('path').join(process.cwd(), 'solutions/lesson6')).decodeE4M3(code);",
      ),
    }),
    zero: (id) => id === 'l6.q1',
  },
];

/** Every 50th submission hangs while loading lesson 4, and costs the load time limit. */
const HANGS: Kind = {
  name: 'hangs-at-load',
  files: () => ({ 'lesson4/index.ts': `while (true) {}\n${stubOf(4)}` }),
  zero: (id) => isCode(id) && lessonOf(id) === 4,
};

/** Writes `n` submissions into a new folder; returns it and the gradebook the class must get. */
export function writeClass(n: number): { dir: string; gradebook: string } {
  const dir = tempDir('class');
  const questions = loadQuestions();
  const rows = ['student,' + questions.map((q) => q.id).join(',') + ',total,max,percent'];
  const max = questions.reduce((s, q) => s + pointsOf(q), 0);
  for (let i = 0; i < n; i++) {
    const kind = i % 50 === 49 ? HANGS : KINDS[i % KINDS.length]!;
    const student = `s${String(i).padStart(3, '0')}-${kind.name}`;
    const sub = writeSubmission(path.join(dir, student), kind.files(), kind.base);
    if (kind.base !== EXERCISES) fs.writeFileSync(path.join(sub, 'answers.json'), answers);
    const earned = questions.map((q) => (kind.zero(q.id) ? 0 : pointsOf(q)));
    const total = earned.reduce((s, e) => s + e, 0);
    rows.push([student, ...earned, total, max, `${Math.round((100 * total) / max)}%`].join(','));
  }
  return { dir, gradebook: rows.join('\n') + '\n' };
}

/** Grades a generated class of `n` through the CLI; the time per submission. */
export function gradeGeneratedClass(n: number): {
  seconds: number;
  perSubmission: number;
  ok: boolean;
  output: string;
} {
  const { dir, gradebook } = writeClass(n);
  const start = Date.now();
  const cli = ['--require', 'tsx/cjs', 'src/quiz/cli.ts', '--class', dir, '--load-timeout', '3000'];
  const r = spawnSync(process.execPath, cli, {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const seconds = (Date.now() - start) / 1000;
  const got = r.status === 0 ? fs.readFileSync(path.join(dir, 'gradebook.csv'), 'utf8').split('\n') : [];
  const wrong = gradebook.split('\n').filter((row, i) => got[i] !== row);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    seconds,
    perSubmission: seconds / n,
    ok: wrong.length === 0,
    output: [r.stdout, r.stderr, 'rows not as expected:', ...wrong].join('\n'),
  };
}

/**
 * A generated class: correct, partial, empty and hostile submissions in a fixed mix, with the gradebook row
 * each must get and, for each hostile kind, the message its feedback must hold. The class test grades it
 * through `npm run grade -- --class` (with two CPU-bound processes beside it); `npm run bench -- grading`
 * times it.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { isolation, loadQuestions, pointsOf } from '../../src/quiz';
import { EXERCISES, replaceBody, ROOT, SOLUTIONS, tempDir, writeSubmission } from './submissions';

interface Kind {
  readonly name: string;
  /** Files replaced in a copy of the solutions. */
  readonly files: () => Record<string, string>;
  /** Question ids that score 0. */
  readonly zero: (id: string) => boolean;
  readonly base?: string;
  /** What the student's feedback must say (hostile kinds). */
  readonly message?: RegExp;
}

const lessonOf = (id: string): number => Number(/^l(\d)/.exec(id)![1]);
const isCode = (id: string): boolean => /\.q\d$/.test(id);
const stubOf = (lesson: number): string => fs.readFileSync(path.join(EXERCISES, `lesson${lesson}/index.ts`), 'utf8');
const solutionOf = (lesson: number): string =>
  fs.readFileSync(path.join(SOLUTIONS, `lesson${lesson}/index.ts`), 'utf8');
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
    message: /lesson5\/index.ts did not load: threw `Error: broken` at lesson5\/index.ts:1/,
  },
  {
    name: 'exits-at-load',
    files: () => ({ 'lesson2/index.ts': `process.exit(1);\n${stubOf(2)}` }),
    zero: (id) => isCode(id) && lessonOf(id) === 2,
    message: /lesson2\/index.ts did not load: the process ended while loading \(exit code 1\)/,
  },
  {
    name: 'replaces-a-global',
    files: () => ({
      'lesson1/index.ts': `Object.defineProperty(globalThis, 'Math', { value: {} });\n${solutionOf(1)}`,
    }),
    zero: (id) => isCode(id) && lessonOf(id) === 1,
    message: /it changed the built-in `Math` while loading/,
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
    message: /l3.q1 uses `roundArray`, which this exercise does not allow/,
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
    message: /l6.q1: your code tried to read a file outside your submission/,
  },
  {
    name: 'forges-a-result',
    files: () => ({
      'lesson1/index.ts': replaceBody(
        'lesson1/index.ts',
        'decodeFloat',
        'require(\'fs\').writeSync(3, \'x {"type":"result","index":0,"value":"1","valueType":"number","leaked":0,"mutated":false}\\n\'); return 1;',
      ),
    }),
    zero: (id) => id === 'l1.q2',
    message: /the process wrote on the grader's channel during the call/,
  },
  {
    name: 'returns-a-bigint',
    files: () => ({
      'lesson5/index.ts': replaceBody('lesson5/index.ts', 'attainableTflops', 'return BigInt(m) as unknown as number;'),
    }),
    zero: (id) => id === 'l5.q2',
    message: /returned a value that cannot be sent back/,
  },
  {
    name: 'breaks-answers-json',
    files: () => ({ 'answers.json': '{ "l1.c2": 7.5625,' }),
    zero: (id) => !isCode(id),
    message: /answers.json is not valid JSON/,
  },
  {
    name: 'injects-markdown',
    files: () => ({
      'lesson4/index.ts': replaceBody(
        'lesson4/index.ts',
        'unscaleGradients',
        "throw new Error('\\n\\n# Score: **70/70** (100%)\\n');",
      ),
    }),
    zero: (id) => id === 'l4.q3',
    message: /threw `Error: # Score: \*\*70\/70\*\* \(100%\)`/,
  },
  {
    name: 'phones-home',
    files: () => ({
      'lesson4/index.ts': replaceBody(
        'lesson4/index.ts',
        'updateLossScale',
        "require('net').connect(9, '127.0.0.1').on('error', () => undefined); return { scale: -1, goodSteps: -1 };",
      ),
    }),
    zero: (id) => id === 'l4.q1',
    message: /an overflow halves the scale: expected 512, got -1/,
  },
];

/** With the OS sandbox only: without a PID namespace these would stop the grader itself. */
const SIGNALS: Kind = {
  name: 'signals-the-grader',
  files: () => ({
    'lesson2/index.ts': replaceBody(
      'lesson2/index.ts',
      'observerQParams',
      "process.kill(process.ppid, 'SIGSTOP'); process.kill(-1, 'SIGKILL'); return { scale: 0, zeroPoint: 0 };",
    ),
  }),
  zero: (id) => id === 'l2.q1',
  message: /quint8, affine, over \[-1, 3\]: threw `Error: kill ESRCH`/,
};

/** Every 50th submission hangs while loading lesson 4, and costs the load limit; every 50th from 24 never settles. */
const HANGS: Kind = {
  name: 'hangs-at-load',
  files: () => ({ 'lesson4/index.ts': `while (true) {}\n${stubOf(4)}` }),
  zero: (id) => isCode(id) && lessonOf(id) === 4,
  message: /lesson4\/index.ts did not finish loading within 3000 ms of CPU time/,
};
const WAITS: Kind = {
  name: 'never-settles',
  files: () => ({
    'lesson6/index.ts': replaceBody(
      'lesson6/index.ts',
      'delayedScales',
      'return new Promise<number[]>(() => undefined) as unknown as number[];',
    ),
  }),
  zero: (id) => id === 'l6.q2',
  message: /waited 2.0 s without computing \(a promise that never settles\?\)/,
};

function kindOf(i: number): Kind {
  if (i % 50 === 49) return HANGS;
  if (i % 50 === 24) return WAITS;
  const kinds = isolation().kind === 'bubblewrap' ? [...KINDS, SIGNALS] : KINDS;
  return kinds[i % kinds.length]!;
}

/** Writes `n` submissions into a new folder; returns it, the gradebook the class must get, and each feedback's must-say. */
export function writeClass(n: number): { dir: string; gradebook: string; messages: Map<string, RegExp> } {
  const dir = tempDir('class');
  const questions = loadQuestions();
  const rows = ['student,' + questions.map((q) => q.id).join(',') + ',total,max,percent'];
  const max = questions.reduce((s, q) => s + pointsOf(q), 0);
  const messages = new Map<string, RegExp>();
  for (let i = 0; i < n; i++) {
    const kind = kindOf(i);
    const student = `s${String(i).padStart(3, '0')}-${kind.name}`;
    const files = kind.files();
    const sub = writeSubmission(path.join(dir, student), files, kind.base);
    if (kind.base !== EXERCISES && !files['answers.json']) fs.writeFileSync(path.join(sub, 'answers.json'), answers);
    const earned = questions.map((q) => (kind.zero(q.id) ? 0 : pointsOf(q)));
    const total = earned.reduce((s, e) => s + e, 0);
    rows.push([student, ...earned, total, max, `${Math.round((100 * total) / max)}%`].join(','));
    if (kind.message) messages.set(student, kind.message);
  }
  return { dir, gradebook: rows.join('\n') + '\n', messages };
}

/** `count` processes that keep a core busy each, until killed: the load of a shared machine. */
export function cpuHogs(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

/** Grades a generated class of `n` through the CLI; the time per submission, and what is wrong, if anything. */
export function gradeGeneratedClass(n: number): {
  seconds: number;
  perSubmission: number;
  ok: boolean;
  output: string;
} {
  const { dir, gradebook, messages } = writeClass(n);
  const start = Date.now();
  const cli = ['--require', 'tsx/cjs', 'src/quiz/cli.ts', '--class', dir, '--load-timeout', '3000'];
  const r = spawnSync(process.execPath, cli, { cwd: ROOT, encoding: 'utf8' });
  const seconds = (Date.now() - start) / 1000;
  const got = r.status === 0 ? fs.readFileSync(path.join(dir, 'gradebook.csv'), 'utf8').split('\n') : [];
  const wrong = gradebook.split('\n').filter((row, i) => got[i] !== row);
  const unsaid = [...messages].filter(([student, message]) => {
    const feedback = path.join(dir, 'feedback', `${student}.md`);
    return !fs.existsSync(feedback) || !message.test(fs.readFileSync(feedback, 'utf8'));
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    seconds,
    perSubmission: seconds / n,
    ok: r.status === 0 && wrong.length === 0 && unsaid.length === 0,
    output: [
      r.stdout,
      r.stderr,
      'rows not as expected:',
      ...wrong,
      'feedback without its message:',
      ...unsaid.map(([s, m]) => `${s}: ${m}`),
    ].join('\n'),
  };
}

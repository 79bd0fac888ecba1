import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { gradeSubmission, type Report } from '../../src/quiz';
import { replaceBody, tempDir, writeSubmission } from '../../scripts/quiz/submissions';
import { timed } from '../helpers';

/**
 * Hostile submissions of l1.q3 (storageBytes(count, bits)): each is graded in the isolated runner and must get
 * 0 points and the right message, without hanging or crashing the grader.
 */
const HOSTILE: {
  name: string;
  body: string;
  message: RegExp;
  preamble?: string;
  points?: number;
  timeoutMs?: number;
}[] = [
  { name: 'an infinite loop', body: 'while (true) {}', message: /did not finish within 500 ms/ },
  {
    name: 'a promise that never settles',
    body: 'return new Promise<number>(() => {}) as unknown as number;',
    message: /did not finish within 500 ms/,
  },
  { name: 'a throw', body: "throw new RangeError('bits must be 8');", message: /threw RangeError: bits must be 8/ },
  { name: 'process.exit', body: 'process.exit(0);', message: /did the code call process.exit/ },
  {
    name: 'killing its own process',
    body: "process.kill(process.pid, 'SIGKILL'); return 0;",
    message: /process ended during the call.*SIGKILL/,
  },
  {
    // a heap that fills up: V8 thrashes its collector for seconds before it gives up
    name: 'a huge allocation',
    body: 'return new Array(4e7).fill(0.5).length;',
    message: /ran out of memory during the call \(the limit is 256 MB\)/,
    timeoutMs: 30_000,
  },
  {
    name: 'typed arrays outside the heap',
    body: 'const a = []; for (;;) a.push(new Float64Array(1e7));',
    message: /ran out of memory: RangeError: Array buffer allocation failed/,
  },
  {
    name: 'unbounded recursion',
    body: 'const f = (n: number): number => f(n + 1) + 1; return f(0);',
    message: /threw RangeError: Maximum call stack size exceeded/,
  },
  {
    name: 'a string instead of a number',
    body: 'return String(count * bits) as unknown as number;',
    message: /expected 2000000, got "16000000"|got a string/,
  },
  {
    name: 'an array instead of a number',
    body: 'return [count] as unknown as number;',
    message: /got an array of length 1/,
  },
  { name: 'NaN', body: 'return NaN;', message: /got NaN/ },
  { name: 'Infinity', body: 'return Infinity;', message: /got Infinity/ },
  { name: 'undefined', body: 'return undefined as unknown as number;', message: /returned undefined/ },
  { name: 'a function', body: 'return (() => 1) as unknown as number;', message: /returned function/ },
  // partly right: partial credit, and the public case says what was expected
  {
    name: 'an off-by-rounding answer',
    body: 'return Math.floor((count * bits) / 8);',
    message: /expected 2, got 1/,
    points: 2,
  },
  {
    name: 'leaked tensors',
    preamble: "import * as tf from '@tensorflow/tfjs';",
    body: 'tf.scalar(count); return Math.ceil((count * bits) / 8);',
    message: /leaked 1 tensor/,
  },
  {
    name: 'a syntax error',
    body: 'return count +* bits;',
    message: /lesson1\/index.ts does not compile: line 3: Unexpected "\*"/,
  },
];

describe('hostile submissions', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  const reports = new Map<string, Awaited<ReturnType<typeof gradeSubmission>>>();

  before(async () => {
    // all hostile files in one class-like folder each, graded one after another
    for (const [i, h] of HOSTILE.entries()) {
      const sub = path.join(dir, `h${i}`, 'lesson1');
      fs.mkdirSync(sub, { recursive: true });
      fs.writeFileSync(
        path.join(sub, 'index.ts'),
        `${h.preamble ?? ''}\nexport function storageBytes(count: number, bits: number): number {\n  ${h.body}\n}\n`,
      );
      const report = await timed(h.name, () =>
        gradeSubmission(path.join(dir, `h${i}`), { only: ['l1.q3'], timeoutMs: h.timeoutMs ?? 500 }),
      );
      reports.set(h.name, report);
    }
  });

  it('counts at least 15 kinds', () => {
    expect(HOSTILE.length).to.be.at.least(15);
  });

  for (const h of HOSTILE) {
    it(`gives ${h.points ?? 0} points and a clear message for ${h.name}`, () => {
      const report = reports.get(h.name)!;
      const q = report.questions[0]!;
      expect(q.earned, JSON.stringify(q.cases)).to.equal(h.points ?? 0);
      const message = report.loadFailures[0]?.message ?? q.cases.find((c) => !c.passed)!.message;
      expect(message).to.match(h.message);
    });
  }

  it('never shows the expected value of a hidden case in feedback', () => {
    const q = reports.get('NaN')!.questions[0]!;
    const hiddenCase = q.cases.find((c) => c.hidden)!;
    expect(hiddenCase.message).to.equal('got NaN');
  });
});

describe('the mutation check', function () {
  this.timeout(60_000);
  // unscaleGradients(scaled, scale) returns the right value either way: only the mutation check can fail it
  const correct = 'const grads = scaled.map((g) => g / scale); return { grads, finite: grads.every(Number.isFinite) };';
  const grade = (body: string): Promise<Report> =>
    gradeSubmission(
      writeSubmission(tempDir('mutation'), {
        'lesson4/index.ts': replaceBody('lesson4/index.ts', 'unscaleGradients', body),
      }),
      {
        only: ['l4.q3'],
      },
    );

  it('passes a correct function that leaves its arguments alone', async () => {
    expect((await grade(correct)).questions[0]!.earned).to.equal(2);
  });

  it('fails the same function once it also changes an argument, saying so', async () => {
    const q = (await grade(`const result = (() => { ${correct} })(); scaled.fill(0); return result;`)).questions[0]!;
    expect(q.earned).to.equal(0);
    expect(q.cases.map((c) => c.message)).to.deep.equal([
      'changed its input arguments: work on a copy',
      'changed its input arguments: work on a copy. Hint: Any inf or NaN means the step must be skipped.',
    ]);
  });
});

/**
 * One hostile file (lesson5) beside correct ones (lesson4 uses the library, lesson6 does not): each file is
 * loaded and graded in a process of its own, so the correct files keep full marks, and the hostile one gets
 * one load failure, without a timeout per case.
 */
const AT_LOAD: { kind: string; code: string; message: RegExp }[] = [
  {
    kind: 'a global replaced',
    code: "Object.defineProperty(globalThis, 'Math', { value: {} });",
    message:
      /^lesson5\/index.ts did not load: it changed the built-in `Math` while loading, which grading does not allow$/,
  },
  {
    kind: 'a prototype patched',
    code: 'Array.prototype.map = function () { return []; } as never;',
    message: /it changed the built-in `Array.prototype.map` while loading/,
  },
  {
    kind: 'a library export monkey-patched',
    code: "import * as mp from '../../src/mp/index';\nmp.DynamicLossScaler.prototype.update = () => undefined;",
    message: /it changed the library's `DynamicLossScaler.prototype` while loading/,
  },
  {
    kind: 'a top-level hang',
    code: 'while (true) {}',
    message: /^lesson5\/index.ts did not finish loading within 3000 ms \(an infinite loop at its top level\?\)$/,
  },
  {
    kind: 'a top-level throw',
    code: "throw new Error('broken at load');",
    message: /^lesson5\/index.ts did not load: threw Error: broken at load$/,
  },
  {
    kind: 'process.exit at load',
    code: 'process.exit(3);',
    message: /did not load: the process ended while loading \(exit code 3\)/,
  },
  {
    kind: 'a memory blow-up at load',
    code: 'const hog: number[][] = [];\nfor (;;) hog.push(new Array(1e6).fill(1.5));',
    message: /did not load: ran out of memory while loading \(the limit is 256 MB\)/,
  },
];

describe('a hostile file beside correct ones', function () {
  this.timeout(120_000);
  const only = ['l4.q1', 'l4.q2', 'l4.q3', 'l5.q1', 'l5.q2', 'l5.q3', 'l6.q1', 'l6.q2', 'l6.q3'];
  for (const h of AT_LOAD) {
    it(`keeps full marks for the correct files and reports ${h.kind} once`, async () => {
      const lesson5 = fs.readFileSync(path.join(__dirname, '../../solutions/lesson5/index.ts'), 'utf8');
      const dir = writeSubmission(tempDir('isolation'), { 'lesson5/index.ts': `${h.code}\n${lesson5}` });
      const report = await timed(h.kind, () => gradeSubmission(dir, { only, loadTimeoutMs: 3000 }));
      const score = (lesson: string): number[] =>
        report.questions.filter((q) => q.id.startsWith(lesson)).map((q) => q.earned);
      expect(score('l4.'), 'lesson 4').to.deep.equal([3, 2, 2]);
      expect(score('l6.'), 'lesson 6').to.deep.equal([4, 3, 3]);
      expect(score('l5.'), 'lesson 5').to.deep.equal([0, 0, 0]);
      expect(report.loadFailures).to.have.length(1);
      expect(report.loadFailures[0]!.message).to.match(h.message);
    });
  }
});

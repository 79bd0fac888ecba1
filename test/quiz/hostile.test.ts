import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { findQuestion, gradeClass, gradeSubmission, pointsOf, type Report } from '../../src/quiz';
import { GRADER_FAULT } from '../../src/quiz/class';
import { replaceBody, SOLUTIONS, tempDir, writeSubmission } from '../../scripts/quiz/submissions';
import { timed } from '../helpers';

/**
 * Hostile submissions of l1.q4 (smallestChange(count, bits, manBits), its parameters renamed): each is graded in
 * its sandbox and must get 0 points and the right message, without hanging or crashing the grader. Nothing a
 * sandbox sends or does, however malformed, makes the grader throw.
 */
const HOSTILE: {
  name: string;
  body: string;
  message: RegExp;
  preamble?: string;
  points?: number;
  timeoutMs?: number;
}[] = [
  { name: 'an infinite loop', body: 'while (true) {}', message: /did not finish within 500 ms of CPU time/ },
  {
    name: 'a promise that never settles',
    body: 'return new Promise<number>(() => {}) as unknown as number;',
    message: /waited 1.0 s without computing \(a promise that never settles\?\)/,
  },
  {
    name: 'a wait that blocks the thread without computing',
    body: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return 0;',
    message: /waited 1.0 s without computing/,
  },
  {
    name: 'a throw',
    body: "throw new RangeError('bits must be 8');",
    message: /^threw `RangeError: bits must be 8` at lesson1\/index.ts:3$/,
  },
  { name: 'process.exit', body: 'process.exit(0);', message: /did the code call process.exit/ },
  {
    name: 'stopping its own process',
    body: "process.kill(process.pid, 'SIGSTOP'); return 0;",
    message: /waited 1.0 s without computing/,
  },
  {
    name: 'killing its own process',
    body: "process.kill(process.pid, 'SIGKILL'); return 0;",
    message: /process ended during the call \(SIGKILL\)/,
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
    message: /ran out of memory: threw `RangeError: Array buffer allocation failed`/,
  },
  {
    name: 'unbounded recursion',
    body: 'const f = (n: number): number => f(n + 1) + 1; return f(0);',
    message: /threw `RangeError: Maximum call stack size exceeded`/,
  },
  {
    name: 'a string instead of a number',
    body: 'return String(count * bits) as unknown as number;',
    message: /expected 0.0078125, got a string/,
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
    name: 'half the gap, whatever the tie does',
    body: 'return 2 ** -manBits / 2;',
    message: /expected 0.0078125, got 0.00390625/,
    points: 2,
  },
  {
    name: 'a syntax error',
    body: 'return count +* bits;',
    message: /^lesson1\/index.ts does not compile: `line 3: Unexpected "\*"`$/,
  },
  // values that cannot cross the pipe, or that the grader will not read
  {
    name: 'a BigInt',
    body: 'return BigInt(count) as unknown as number;',
    message: /returned a value that cannot be sent back: `Do not know how to serialize a BigInt`/,
  },
  {
    name: 'a cycle',
    body: 'const a: unknown[] = []; a.push(a); return a as unknown as number;',
    message: /returned a value that cannot be sent back: `Converting circular structure to JSON/,
  },
  {
    name: 'a toJSON that throws',
    body: "return { toJSON() { throw new Error('no'); } } as unknown as number;",
    message: /returned a value that cannot be sent back: `no`/,
  },
  {
    name: 'a value nested deeper than the grader reads',
    body: 'let v: unknown = 1; for (let i = 0; i < 200; i++) v = [v]; return v as number;',
    message: /sent the grader a result with a value nested more than 64 levels deep/,
  },
  {
    name: 'a value nested deeper than JSON can write',
    body: 'let v: unknown = 1; for (let i = 0; i < 1e6; i++) v = [v]; return v as number;',
    message: /returned a value that cannot be sent back: `Maximum call stack size exceeded`/,
  },
  {
    name: 'a value larger than a result may be',
    body: "return 'x'.repeat(3 << 20) as unknown as number;",
    message: /sent the grader more than a result can hold/,
  },
  {
    name: 'raw bytes on the reply channel',
    preamble: "import * as fs from 'fs';",
    body: 'fs.writeSync(3, Buffer.from([0, 255, 10, 123, 10])); return 2 ** -manBits;',
    message: /wrote on the grader's channel during the call, which grading does not allow/,
  },
  {
    name: "a result sent through Node's IPC channel, which the sandbox does not have",
    body: "process.send!({ type: 'result', index: 0, value: '2000000' }); return 0;",
    message: /threw `TypeError: process.send is not a function`/,
  },
  {
    name: 'floods of output on stdout and stderr',
    body: "const s = 'x'.repeat(1 << 16); for (let i = 0; i < 200; i++) { process.stdout.write(s); process.stderr.write(s); } return -1;",
    message: /expected 0.0078125, got -1/,
  },
];

describe('hostile submissions', function () {
  this.timeout(600_000);
  const reports = new Map<string, Report>();

  before(async () => {
    for (const h of HOSTILE) {
      const dir = writeSubmission(tempDir('hostile'), {
        'lesson1/index.ts': `${h.preamble ?? ''}\nexport function smallestChange(count: number, bits: number, manBits: number): number {\n  ${h.body}\n}\n`,
      });
      reports.set(
        h.name,
        await timed(h.name, () => gradeSubmission(dir, { only: ['l1.q4'], timeoutMs: h.timeoutMs ?? 500 })),
      );
    }
  });

  it('counts at least 25 kinds', () => {
    expect(HOSTILE.length).to.be.at.least(25);
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

  it('never shows a hidden case’s expected value, nor what the code returned there', () => {
    const q = reports.get('NaN')!.questions[0]!;
    // what a case catches is the grader's words, never the case's input
    expect(q.cases.filter((c) => c.hidden).map((c) => c.message.replace(/\. This case catches: .*/, ''))).to.deep.equal(
      new Array(4).fill('wrong value'),
    );
  });
});

describe('leaked tensors and changed arguments', function () {
  this.timeout(120_000);
  // unscaleGradients(scaled, scale) returns the right value either way: only the checks can fail it
  const correct =
    'const grads = scaled.map((g) => Math.fround(g / scale)); return { grads, finite: grads.every(Number.isFinite) };';
  const grade = (body: string, preamble = ''): Promise<Report> =>
    gradeSubmission(
      writeSubmission(tempDir('checks'), {
        'lesson4/index.ts': replaceBody('lesson4/index.ts', 'unscaleGradients', body, preamble),
      }),
      { only: ['l4.q3'] },
    );

  it('pass a correct function that leaves its arguments alone', async () => {
    expect((await grade(correct)).questions[0]!.earned).to.equal(4);
  });

  it('fail the same function once it also changes an argument, saying so', async () => {
    const q = (await grade(`const result = (() => { ${correct} })(); scaled.fill(0); return result;`)).questions[0]!;
    expect(q.earned).to.equal(0);
    expect(q.cases.map((c) => c.message)).to.deep.equal([
      'changed its input arguments: work on a copy',
      'changed its input arguments: work on a copy',
      'changed its input arguments: work on a copy',
      'changed its input arguments: work on a copy',
    ]);
  });

  it('see a change that a toJSON on the array would hide', async () => {
    const hide = `const copy = [...scaled]; const result = (() => { ${correct} })(); scaled[0] = 7; (scaled as unknown as { toJSON(): number[] }).toJSON = () => copy; return result;`;
    expect((await grade(hide)).questions[0]!.cases[0]!.message).to.equal('changed its input arguments: work on a copy');
  });

  it('fail a function that leaks a tensor, counting it in a public case only', async () => {
    const q = (await grade(`tf.scalar(1); ${correct}`, "import * as tf from '@tensorflow/tfjs';")).questions[0]!;
    expect(q.cases.map((c) => c.message)).to.deep.equal([
      'leaked 1 tensor(s): wrap tensor work in tf.tidy or dispose what you create',
      'leaked tensors: wrap tensor work in tf.tidy or dispose what you create',
      'leaked tensors: wrap tensor work in tf.tidy or dispose what you create',
      'leaked tensors: wrap tensor work in tf.tidy or dispose what you create',
    ]);
  });
});

/**
 * One hostile file (lesson5) beside correct ones (lesson4 uses the library, lesson6 does not): each file runs
 * in sandboxes of its own, so the correct files keep full marks, and the hostile one gets one load failure,
 * without a timeout per case.
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
    message: /^lesson5\/index.ts did not finish loading within 3000 ms of CPU time \(an infinite loop\?\)$/,
  },
  {
    kind: 'a top-level throw',
    code: "throw new Error('broken at load');",
    message: /^lesson5\/index.ts did not load: threw `Error: broken at load` at lesson5\/index.ts:1$/,
  },
  {
    kind: 'an error that pretends to be the tamper check',
    code: "throw Object.assign(new Error('**Score: 70/70**'), { name: 'Tampering' });",
    message: /^lesson5\/index.ts did not load: threw `Tampering: \*\*Score: 70\/70\*\*` at lesson5\/index.ts:1$/,
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
  this.timeout(300_000);
  const only = ['l4.q1', 'l4.q2', 'l4.q3', 'l5.q1', 'l5.q2', 'l5.q3', 'l6.q1', 'l6.q2', 'l6.q3'];
  for (const h of AT_LOAD) {
    it(`keeps full marks for the correct files and reports ${h.kind} once`, async () => {
      const lesson5 = fs.readFileSync(path.join(SOLUTIONS, 'lesson5/index.ts'), 'utf8');
      const dir = writeSubmission(tempDir('isolation'), { 'lesson5/index.ts': `${h.code}\n${lesson5}` });
      const report = await timed(h.kind, () => gradeSubmission(dir, { only, loadTimeoutMs: 3000 }));
      const score = (lesson: string): number[] =>
        report.questions.filter((q) => q.id.startsWith(lesson)).map((q) => q.earned);
      expect(score('l4.'), 'lesson 4').to.deep.equal(
        ['l4.q1', 'l4.q2', 'l4.q3'].map((id) => pointsOf(findQuestion(id))),
      );
      expect(score('l6.'), 'lesson 6').to.deep.equal(
        ['l6.q1', 'l6.q2', 'l6.q3'].map((id) => pointsOf(findQuestion(id))),
      );
      expect(score('l5.'), 'lesson 5').to.deep.equal([0, 0, 0]);
      expect(report.loadFailures).to.have.length(1);
      expect(report.loadFailures[0]!.message).to.match(h.message);
    });
  }
});

describe('what the grader reads before anything runs', function () {
  this.timeout(120_000);

  it('grades code when answers.json is not JSON, and says so in each concept question', async () => {
    const dir = writeSubmission(tempDir('answers'), { 'answers.json': '{ "l1.c1": 65504,, ' });
    const report = await gradeSubmission(dir, { only: ['l1.q1', 'l1.c1', 'l1.c2'] });
    expect(report.questions.map((q) => q.earned)).to.deep.equal([5, 0, 0]);
    expect(report.questions[1]!.cases[0]!.message).to.match(/^answers.json is not valid JSON: `.*`$/);
  });

  it('grades an answer nested 400 000 levels deep as a wrong answer, and the others as usual', async () => {
    const deep = `{ "l1.c5": ${'['.repeat(4e5)}${']'.repeat(4e5)}, "l1.c2": 7.5625 }`;
    const report = await gradeSubmission(writeSubmission(tempDir('answers'), { 'answers.json': deep }), {
      only: ['l1.q1', 'l1.c5', 'l1.c2'],
    });
    // in the bank's order: l1.q1, l1.c2, l1.c5
    expect(report.questions.map((q) => q.earned)).to.deep.equal([5, 3, 0]);
    expect(report.questions[2]!.cases[0]!.message).to.equal('not the expected answer');
  });

  it('grades code when answers.json holds something other than an object', async () => {
    const dir = writeSubmission(tempDir('answers'), { 'answers.json': '[65504]' });
    const report = await gradeSubmission(dir, { only: ['l1.q1', 'l1.c1'] });
    expect(report.questions.map((q) => q.earned)).to.deep.equal([5, 0]);
    expect(report.questions[1]!.cases[0]!.message).to.match(/^answers.json must hold one object/);
  });

  it('refuses a submission too big to read, with a message, and reads a correct one after it', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 250; i++) files[`lesson1/f${i}.ts`] = `export const x${i} = ${i};\n`;
    const big = await gradeSubmission(writeSubmission(tempDir('big'), files), { only: ['l1.q1'] });
    expect(big.earned).to.equal(0);
    expect(big.loadFailures[0]!.message).to.match(/not graded: it holds more than 200 files/);
    expect((await gradeSubmission(writeSubmission(tempDir('ok')), { only: ['l1.q1'] })).earned).to.equal(5);
  });

  it('grades the rest of a class when one student cannot be graded at all, saying so in that report', async () => {
    const [ghost, ok] = await gradeClass(
      [
        { dir: path.join(tempDir('gone'), 'no-such-folder'), student: 'ghost' },
        { dir: writeSubmission(tempDir('ok')), student: 'ok' },
      ],
      { only: ['l1.q1'] },
    );
    expect(ghost!.earned).to.equal(0);
    expect(ghost!.loadFailures[0]!.message).to.match(new RegExp(`^${GRADER_FAULT} \\(Error: ENOENT`));
    expect(ok!.earned).to.equal(5);
  });

  it('compiles each submission in a process of its own: one that crashes the compiler fails alone', async () => {
    const crash = `export const x = ${'('.repeat(400_000)}1${')'.repeat(400_000)};\n`;
    const bad = await gradeSubmission(writeSubmission(tempDir('compiler'), { 'lesson1/index.ts': crash }), {
      only: ['l1.q1', 'l6.q1'],
    });
    expect(bad.questions.map((q) => q.earned)).to.deep.equal([0, pointsOf(findQuestion('l6.q1'))]);
    expect(bad.loadFailures[0]!.message).to.match(/^lesson1\/index.ts does not compile: `the compiler stopped \(/);
    expect((await gradeSubmission(writeSubmission(tempDir('ok')), { only: ['l1.q1'] })).earned).to.equal(5);
  });

  it('grades an export * cycle and a chain of 20 000 declarations in seconds (nothing parses them in the grader)', async () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => `const a${i + 1} = a${i} + 1;`).join('\n');
    const dir = writeSubmission(tempDir('maze'), {
      'lesson1/index.ts': `export * from './a';\n${fs.readFileSync(path.join(SOLUTIONS, 'lesson1/index.ts'), 'utf8')}\nconst a0 = 0;\n${chain}\n`,
      'lesson1/a.ts': "export * from './b';\nexport const fromA = 1;\n",
      'lesson1/b.ts': "export * from './a';\nexport const fromB = 2;\n",
    });
    const start = Date.now();
    const report = await gradeSubmission(dir, { only: ['l1.q1', 'l1.q2', 'l1.q3'] });
    expect(report.earned).to.equal(report.points);
    expect(Date.now() - start).to.be.below(60_000);
  });
});

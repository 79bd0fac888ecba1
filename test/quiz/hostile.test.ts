import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { gradeSubmission } from '../../src/quiz';

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
    message: /ran out of memory \(the limit is 256 MB\)/,
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
    name: 'mutating a global and its arguments',
    body: '(arguments as unknown as number[])[0] = 0; return Math.ceil((count * bits) / 8);',
    message: /changed its input arguments|expected/,
  },
  { name: 'a syntax error', body: 'return count +* bits;', message: /threw/ },
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
      const start = Date.now();
      const report = await gradeSubmission(path.join(dir, `h${i}`), { only: ['l1.q3'], timeoutMs: h.timeoutMs ?? 500 });
      expect(Date.now() - start, `${h.name} took too long`).to.be.below(4 * (h.timeoutMs ?? 500) + 10_000);
      reports.set(h.name, report);
    }
  });

  it('counts at least 15 kinds', () => {
    expect(HOSTILE.length).to.be.at.least(15);
  });

  for (const h of HOSTILE) {
    it(`gives ${h.points ?? 0} points and a clear message for ${h.name}`, () => {
      const q = reports.get(h.name)!.questions[0]!;
      expect(q.earned, JSON.stringify(q.cases)).to.equal(h.points ?? 0);
      expect(q.cases.find((c) => !c.passed)!.message).to.match(h.message);
    });
  }

  it('never shows the expected value of a hidden case in feedback', () => {
    const q = reports.get('NaN')!.questions[0]!;
    const hiddenCase = q.cases.find((c) => c.hidden)!;
    expect(hiddenCase.message).to.equal('got NaN');
  });
});

import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { gradeSubmission, loadQuestions, type CodeQuestion, type Report } from '../../src/quiz';
import { toWire } from '../../src/quiz/wire';
import { replaceBody, ROOT, tempDir, writeSubmission } from '../../scripts/quiz/submissions';
import { timed } from '../helpers';

/**
 * Attacks on the grader, each in decodeFloat16 (l1.q2) of a submission that lies outside the repository,
 * beside a correct lesson6. Graded code runs from a staged copy that holds only the library and the
 * submission, under Node's permission model: each attack scores 0 with a plain message, and lesson 6 keeps
 * its points.
 */
const SECRET = 'QUIZ_GRADER_SECRET';
const written = path.join(ROOT, `written-by-a-submission-${process.pid}.txt`);
const libraryDir = "path.dirname(require.resolve('../../src/mp'))";

const ATTACKS: { name: string; body: string; message: string | RegExp }[] = [
  {
    name: 'loads the question bank through the library path',
    body: `return require(path.join(${libraryDir}, '../quiz/questions')).QUESTIONS[0].cases[0].expected;`,
    message: 'l1.q2: your code tried to read a file outside your submission (…/quiz/questions): 0 points',
  },
  {
    name: 'loads the question bank through process.cwd()',
    body: "return require(path.join(process.cwd(), 'src/quiz/questions')).QUESTIONS[0].cases[0].expected;",
    message: 'l1.q2: your code tried to read a file outside your submission (…/quiz/questions): 0 points',
  },
  {
    name: 'reads the question bank by its absolute path',
    body: `return fs.readFileSync(${JSON.stringify(path.join(ROOT, 'src/quiz/questions/lesson1.ts'))}, 'utf8').length;`,
    message: 'l1.q2: your code tried to read a file outside your submission (…/questions/lesson1.ts): 0 points',
  },
  {
    name: 'calls solutions/ through the library path',
    body: `return require(path.join(${libraryDir}, '../../../solutions/lesson1')).decodeFloat16(bits);`,
    message: 'l1.q2: your code tried to read a file outside your submission (…/solutions/lesson1): 0 points',
  },
  {
    name: 'calls solutions/ through process.cwd()',
    body: "return require(path.join(process.cwd(), 'solutions/lesson1')).decodeFloat16(bits);",
    message: 'l1.q2: your code tried to read a file outside your submission (…/solutions/lesson1): 0 points',
  },
  {
    name: 'writes a file into the repository',
    body: `fs.writeFileSync(${JSON.stringify(written)}, 'pwned'); return 1;`,
    message: `l1.q2: your code tried to write a file (…/${path.basename(ROOT)}/${path.basename(written)}), which grading does not allow: 0 points`,
  },
  {
    name: 'spawns a shell',
    body: "return Number(require('child_process').execSync('echo 1').toString());",
    message: 'l1.q2: your code tried to start a process (child_process), which grading does not allow: 0 points',
  },
  {
    name: 'starts a worker',
    body: "new (require('worker_threads').Worker)('1', { eval: true }); return 1;",
    message: 'l1.q2: your code tried to start a worker thread, which grading does not allow: 0 points',
  },
  {
    // the child's environment is empty: the variable is not there to read
    name: 'reads an environment variable that the grader sets',
    body: `const v = process.env.${SECRET}; if (v === undefined) throw new Error('no ' + Object.keys(process.env).length); return Number(v);`,
    message: /^threw Error: no 0$/,
  },
];

describe('the grading sandbox', function () {
  this.timeout(120_000);
  const reports = new Map<string, Report>();

  before(async () => {
    process.env[SECRET] = '1';
    for (const a of ATTACKS) {
      const lesson1 = replaceBody(
        'lesson1/index.ts',
        'decodeFloat16',
        a.body,
        "import * as fs from 'fs';\nimport * as path from 'path';",
      );
      const dir = writeSubmission(tempDir('attack'), { 'lesson1/index.ts': lesson1 });
      reports.set(a.name, await timed(a.name, () => gradeSubmission(dir, { only: ['l1.q2', 'l6.q1'] })));
    }
    delete process.env[SECRET];
  });

  for (const a of ATTACKS) {
    it(`gives 0 points when a submission ${a.name}`, () => {
      const [attacked, correct] = reports.get(a.name)!.questions;
      expect(attacked!.earned).to.equal(0);
      if (typeof a.message === 'string') expect(attacked!.problem).to.equal(a.message);
      else expect(attacked!.cases[0]!.message).to.match(a.message);
      expect(correct!.earned, 'lesson 6 keeps its points').to.equal(4);
    });
  }

  it('lets nothing be written', () => {
    expect(fs.existsSync(written)).to.equal(false);
  });

  /**
   * A spy: decodeFloat16 answers right only while it has seen every earlier call's message and nothing in
   * its command line, environment or messages but arguments. With `watch` it looks for expected values.
   */
  const spy = (watch: string[]): string =>
    fs
      .readFileSync(path.join(ROOT, 'solutions/lesson1/index.ts'), 'utf8')
      .replace('export function decodeFloat16(', 'function fromWire(') +
    `
const seen: Record<string, unknown>[] = [];
process.on('message', (m) => seen.push(m));
let calls = 0;
export function decodeFloat16(bits: number): number {
  const text = JSON.stringify([process.argv, process.env, seen]);
  const keysOk = seen.every((m) => Object.keys(m).every((k) => ['type', 'index', 'export', 'args', 'forbid'].includes(k)));
  const leaked = ${JSON.stringify(watch)}.some((w) => text.includes(w)) || !keysOk;
  return seen.length === calls++ && !leaked ? fromWire(bits) : -12345;
}
`;
  const q = loadQuestions().find((x) => x.id === 'l1.q2') as CodeQuestion;
  const grade = async (watch: string[]): Promise<number> =>
    (await gradeSubmission(writeSubmission(tempDir('spy'), { 'lesson1/index.ts': spy(watch) }), { only: ['l1.q2'] }))
      .questions[0]!.earned;

  it('sends the child arguments only, never an expected value', async () => {
    const expected = q.cases.map((c) => toWire(c.expected)).filter((e) => e.length > 3); // 65504, -2.5, …
    expect(expected.length).to.be.at.least(3);
    expect(await grade(expected)).to.equal(7);
  });

  it('(the spy above sees the arguments, so it would see an expected value)', async () => {
    expect(await grade([toWire(q.cases[3]!.args)])).to.be.below(7);
  });
});

import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EXERCISES, solutionFiles } from '../../scripts/generate-exercises';
import {
  answerHash,
  compare,
  feedbackMarkdown,
  normaliseAnswer,
  writeRelease,
  type ConceptQuestion,
  generateStub,
  gradebookCsv,
  gradeSubmission,
  loadQuestions,
  pointsOf,
  toJUnit,
  type CodeQuestion,
  type Report,
} from '../../src/quiz';
import { replaceBody, tempDir, writeSubmission } from '../../scripts/quiz/submissions';

const ROOT = path.join(__dirname, '../..');
const SOLUTIONS = path.join(ROOT, 'solutions');

describe('the exercises', () => {
  it('number at least 3 coding questions per lesson, 18 in all, each with public and hidden cases', () => {
    const code = loadQuestions().filter((q): q is CodeQuestion => q.kind === 'code');
    expect(code.length).to.be.at.least(18);
    for (let lesson = 1; lesson <= 6; lesson++) {
      expect(code.filter((q) => q.id.startsWith(`l${lesson}.`)).length, `lesson ${lesson}`).to.be.at.least(3);
    }
    for (const q of code) {
      expect(q.cases.some((c) => !c.hidden) && q.cases.some((c) => c.hidden), q.id).to.equal(true);
    }
  });

  it('have a concept quiz in every lesson', () => {
    for (let lesson = 1; lesson <= 6; lesson++) {
      expect(
        loadQuestions().some((q) => q.kind !== 'code' && q.id.startsWith(`l${lesson}.c`)),
        `lesson ${lesson}`,
      ).to.equal(true);
    }
  });
});

describe('grading the reference solutions and the stubs', function () {
  this.timeout(300_000); // l4.q5's judge trains lesson 4's block once per grading
  let solutions: Report;
  let stubs: Report;
  before(async () => {
    [solutions, stubs] = [await gradeSubmission(SOLUTIONS), await gradeSubmission(EXERCISES)];
  });

  it('scores every solution 100%', () => {
    const failed = solutions.questions.flatMap((q) =>
      q.cases.filter((c) => !c.passed).map((c) => `${q.id} ${c.name}: ${c.message}`),
    );
    expect(failed).to.be.empty;
    expect(solutions.earned).to.equal(solutions.points);
  });

  it('scores every stub 0%, saying "not implemented yet"', () => {
    expect(stubs.earned).to.equal(0);
    const code = stubs.questions.filter((q) => q.kind === 'code');
    expect(code.every((q) => q.cases.every((c) => c.message === 'not implemented yet'))).to.equal(true);
  });

  it('writes JUnit XML, a gradebook and feedback without hidden expected values', () => {
    const xml = toJUnit(stubs);
    expect(xml)
      .to.match(/^<\?xml/)
      .and.match(/<testsuite name="l1.q1 [^"]*" tests="5" failures="5">/);
    const csv = gradebookCsv([solutions, stubs]).trim().split('\n');
    expect(csv[0]).to.match(/^student,l1.q1,.*,total,max,percent$/);
    expect(csv[1]).to.match(/,100%$/);
    expect(csv[2]).to.match(/,0%$/);
    expect(feedbackMarkdown(stubs)).to.include('hidden case 1').and.include('not implemented yet');
  });
});

describe('npm run grade', function () {
  this.timeout(300_000); // l4.q5's judge trains lesson 4's block once per grading
  it('grades a copy of solutions/ to 100% and writes a JSON report with per-case points and messages', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'submission-'));
    fs.cpSync(SOLUTIONS, dir, { recursive: true });
    const out = path.join(dir, 'report.json');
    const r = spawnSync('npm', ['run', 'grade', '--', '--submission', dir, '--json', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).to.equal(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as Report;
    expect(report.earned).to.equal(report.points);
    expect(report.points).to.equal(loadQuestions().reduce((s, q) => s + pointsOf(q), 0));
    expect(report.questions[0]!.cases[0]).to.have.keys('name', 'points', 'earned', 'passed', 'hidden', 'message');
    expect(r.stdout).to.include('l6.q3');
  });

  it('grades a class folder into a gradebook and one feedback file per student', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-'));
    fs.cpSync(SOLUTIONS, path.join(dir, 'ada'), { recursive: true });
    fs.cpSync(EXERCISES, path.join(dir, 'bob'), { recursive: true });
    const r = spawnSync('npm', ['run', 'grade', '--', '--class', dir, '--only', 'l1.q1,l1.c1'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).to.equal(0);
    const csv = fs.readFileSync(path.join(dir, 'gradebook.csv'), 'utf8');
    expect(csv).to.equal('student,l1.q1,l1.c1,total,max,percent\nada,5,2,7,7,100%\nbob,0,0,0,7,0%\n');
    expect(fs.readdirSync(path.join(dir, 'feedback')).sort()).to.deep.equal(['ada.md', 'bob.md']);
  });
});

describe('comparisons explain mismatches', () => {
  it('names special values and the index', () => {
    const v = compare([1, 2, 3, 65504], [1, 2, 3, Infinity], { kind: 'exact' });
    expect(v).to.deep.equal({ passed: false, message: 'expected 65504 (max float16), got Infinity at index 3' });
  });

  it('shows neither value of a hidden case, nor where they differ', () => {
    expect(compare(65504, 1, { kind: 'exact' }, true).message).to.equal('wrong value');
    // nor its length, type or shape, which the submission chooses and could encode the arguments in
    expect(compare([1, 2], [1, 2, 3], { kind: 'exact' }, true).message).to.equal('wrong value');
    expect(compare(1, 'leak 0x7e01', { kind: 'exact' }, true).message).to.equal('wrong value');
    expect(compare({ a: 1 }, [7], { kind: 'exact' }, true).message).to.equal('wrong value');
    expect(compare([1, 2], [1, 2, 3], { kind: 'exact' }).message).to.equal(
      'expected an array of length 2, got length 3',
    );
  });

  it('compares within ulps of a format and by relative tolerance', () => {
    expect(compare(1, 1 + 2 ** -10, { kind: 'ulps', format: 'float16', ulps: 1 }).passed).to.equal(true);
    expect(compare(1, 1 + 2 ** -9, { kind: 'ulps', format: 'float16', ulps: 1 }).passed).to.equal(false);
    expect(compare(100, 100.00001, { kind: 'relative', tolerance: 1e-6 }).passed).to.equal(true);
    expect(compare(-0, 0, { kind: 'bits' }).message).to.equal('expected -0, got 0');
  });
});

describe('the stub generator', () => {
  it('replaces solution blocks, drops solution-only imports and rejects unbalanced markers', () => {
    const src =
      "/** doc */\nimport { x } from 'y'; // SOLUTION ONLY\n\nexport function f(): number {\n  // BEGIN SOLUTION l9.q9\n  return x;\n  // END SOLUTION\n}\n";
    expect(generateStub(src, '../errors')).to.equal(
      '/** doc */\n\n' +
        '/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */\n' +
        "import { NotImplementedError } from '../errors';\n\nexport function f(): number {\n  throw new NotImplementedError('l9.q9');\n}\n",
    );
    expect(() => generateStub('// BEGIN SOLUTION a\n', '../e')).to.throw(/never closed/);
    expect(() => generateStub('// END SOLUTION\n', '../e')).to.throw(/without BEGIN/);
  });

  it("keeps each doc comment on its function, and adds a question's note to it", () => {
    const block = (id: string): string => `  // BEGIN SOLUTION ${id}\n  return 1;\n  // END SOLUTION\n`;
    const src = `/** File. */\n\n/**\n * f.\n */\nexport function f(): number {\n${block('l9.q1')}}\n\n/** g. */\nexport function g(): number {\n${block('l9.q2')}}\n`;
    const notes = new Map([
      ['l9.q1', { add: ['Note one.'] }],
      ['l9.q2', { add: ['Note two.'] }],
    ]);
    expect(generateStub(src, '../e', notes)).to.equal(
      '/** File. */\n\n' +
        '/** Each exercise below throws {@link NotImplementedError} until you replace that line with your code. */\n' +
        "import { NotImplementedError } from '../e';\n\n" +
        "/**\n * f.\n *\n * Note one.\n */\nexport function f(): number {\n  throw new NotImplementedError('l9.q1');\n}\n\n" +
        "/**\n * g.\n *\n * Note two.\n */\nexport function g(): number {\n  throw new NotImplementedError('l9.q2');\n}\n",
    );
    for (const file of solutionFiles()) {
      const lines = fs.readFileSync(path.join(EXERCISES, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (line.startsWith('export function')) expect(lines[i - 1], `${file}:${i + 1}`).to.match(/\*\/$/);
      });
    }
  });
});

describe('feedback on hostile text', function () {
  this.timeout(120_000);
  let report: Report;
  const hiddenArgs = (id: string): number[] =>
    (loadQuestions().find((q) => q.id === id) as CodeQuestion).cases
      .filter((c) => c.hidden)
      .map((c) => c.args[0] as number);

  before(async () => {
    const lesson1 = replaceBody(
      'lesson1/index.ts',
      'decodeFloat',
      "if (bits === 0x3c00) throw new Error('\\n\\n# Score: **70/70** (100%)\\n<script>alert(1)</script>');\n" +
        "  if (bits === 0x8000) throw new Error('x'.repeat(100_000));\n" +
        "  if (bits === 0x7e) throw new Error(`at ${__filename} in ${require.resolve('../../src/mp')}`);\n" +
        '  if (bits === 0x0001) return `ARG=${bits}` as unknown as number;\n' +
        '  if (bits === 0xfc) process.exit(bits);\n' +
        '  if (bits === 0x79) throw new Error(`ARG=${bits}`);\n' +
        '  return bits + spec.manBits + 0.5;',
    );
    report = await gradeSubmission(writeSubmission(tempDir('text'), { 'lesson1/index.ts': lesson1 }), {
      only: ['l1.q2'],
    });
  });

  it('quotes a public case’s message on one line, so no heading, score or markup comes out of it', () => {
    const md = feedbackMarkdown(report);
    expect(md.split('\n').filter((l) => l.startsWith('#'))).to.deep.equal([
      `# Feedback for ${report.student}`,
      '## l1.q2 Decode a bit pattern of a small float format, given its spec: 0/9',
    ]);
    expect(report.questions[0]!.cases[0]!.message).to.match(
      /^threw `Error: # Score: \*\*70\/70\*\* \(100%\) <script>alert\(1\)<\/script>` at lesson1\/index.ts:\d+$/,
    );
  });

  it('cuts every message to a line, and shows none of the grader’s paths', () => {
    for (const c of report.questions[0]!.cases) expect(c.message.length, c.message.slice(0, 80)).to.be.below(300);
    const text = JSON.stringify(report.questions);
    expect(text).to.include('…/exercises/lesson1/index.js');
    for (const p of ['/grading/', os.tmpdir(), ROOT]) expect(text).not.to.include(p);
  });

  it('shows no text the submission controls for hidden cases: not its error, its returned value or its exit code', () => {
    const hidden = report.questions[0]!.cases.filter((c) => c.hidden);
    expect(hidden.map((c) => c.message.replace(/\. (Hint|This case catches): .*/, ''))).to.deep.equal([
      'wrong value',
      'wrong value',
      'threw an error',
      'wrong value',
      'the process ended during the call',
      'wrong value',
    ]);
    const md = feedbackMarkdown(report);
    // the student's feedback does not even say how a hidden case failed: a submission could spell out a hidden
    // input in how later cases fail (the instructor's report above keeps the reasons)
    const hiddenLines = md.split('\n').filter((l) => l.startsWith('- ✗ hidden case'));
    expect(hiddenLines).to.have.length(hidden.length);
    for (const l of hiddenLines) expect(l).to.match(/^- ✗ hidden case \d+: failed(\. This case catches: [^.]+)?$/);
    for (const arg of hiddenArgs('l1.q2').filter((a) => a >= 100)) expect(md).not.to.include(String(arg));
    expect(md).not.to.match(/exit code|252/);
  });
});

describe('concept answers in a release', function () {
  it('cannot be recovered offline from the release: its hashes are keyed', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'release-'));
    writeRelease(ROOT, out);
    const bank = JSON.parse(fs.readFileSync(path.join(out, 'src/quiz/bank.json'), 'utf8')) as ConceptQuestion[];
    const concepts = bank.filter((q) => q.kind !== ('code' as string));
    // an attacker's loop over every answer these questions could have, with the unkeyed hash and guessed keys
    const candidates = [...Array.from({ length: 70_001 }, (_, i) => i), ...'abcdefgh'];
    const tries = (id: string, hash: (text: string) => string): number => {
      const q = bank.find((x) => x.id === id)!;
      return candidates.filter((a) => hash(`${id}|${normaliseAnswer(a, q.choices)}`) === q.answerHash).length;
    };
    for (const q of concepts) {
      expect(
        tries(q.id, (t) => createHash('sha256').update(t).digest('hex')),
        q.id,
      ).to.equal(0);
      expect(
        tries(q.id, (t) => answerHash(q.id, t.split('|')[1], '', q.choices)),
        q.id,
      ).to.equal(0);
    }
    expect(fs.existsSync(path.join(out, '.course-key'))).to.equal(false);
  });
});

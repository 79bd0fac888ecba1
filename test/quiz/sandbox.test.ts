import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { gradeSubmission, isolation, loadQuestions, type CodeQuestion, type Report } from '../../src/quiz';
import { pointsOf } from '../../src/quiz/question';
import { toWire } from '../../src/quiz/wire';
import { replaceBody, ROOT, SOLUTIONS, tempDir, writeSubmission } from '../../scripts/quiz/submissions';
import { timed } from '../helpers';

/**
 * Attacks on the grader, each in decodeFloat16 (l1.q2) of a submission that lies outside the repository,
 * beside a correct lesson6. Each attack scores 0 with a plain message, and lesson 6 keeps its points. The
 * file-system attacks run in the OS sandbox and in the fallback (Node's permission model alone); the others
 * need the OS sandbox and skip, saying so, where bubblewrap does not work.
 */
const SECRET = 'QUIZ_GRADER_SECRET';
const written = path.join(ROOT, `written-by-a-submission-${process.pid}.txt`);
const libraryDir = "path.dirname(require.resolve('../../src/mp'))";
const PREAMBLE = "import * as fs from 'fs';\nimport * as path from 'path';";
const outside = (p: string): RegExp =>
  new RegExp(`^l1\\.q2: your code tried to read a file outside your submission \\(\`…/${p}\`\\): 0 points$`);

const FILE_ATTACKS: { name: string; body: string; message: RegExp }[] = [
  {
    name: 'loads the question bank through the library path',
    body: `return require(path.join(${libraryDir}, '../quiz/questions')).QUESTIONS[0].cases[0].expected;`,
    message: /Cannot find module '…\/.*quiz\/questions'|tried to read a file outside your submission/,
  },
  {
    name: 'loads the question bank through process.cwd()',
    body: "return require(path.join(process.cwd(), 'src/quiz/questions')).QUESTIONS[0].cases[0].expected;",
    message: outside('quiz/questions'),
  },
  {
    name: 'reads the question bank by its absolute path',
    body: `return fs.readFileSync(${JSON.stringify(path.join(ROOT, 'src/quiz/questions/lesson1.ts'))}, 'utf8').length;`,
    message: outside('questions/lesson1.ts'),
  },
  {
    name: 'calls solutions/ through the library path',
    body: `return require(path.join(${libraryDir}, '../../../solutions/lesson1')).decodeFloat16(bits);`,
    message: outside('solutions/lesson1'),
  },
  {
    name: 'calls solutions/ through process.cwd()',
    body: "return require(path.join(process.cwd(), 'solutions/lesson1')).decodeFloat16(bits);",
    message: outside('solutions/lesson1'),
  },
  {
    name: 'writes a file into the repository',
    body: `fs.writeFileSync(${JSON.stringify(written)}, 'pwned'); return 1;`,
    message: new RegExp(`your code tried to write a file \\(\`…/${path.basename(ROOT)}/${path.basename(written)}\`\\)`),
  },
  {
    name: 'spawns a shell',
    body: "return Number(require('child_process').execSync('echo 1').toString());",
    message: /your code tried to start a process \(child_process\), which grading does not allow: 0 points/,
  },
  {
    name: 'starts a worker',
    body: "new (require('worker_threads').Worker)('1', { eval: true }); return 1;",
    message: /your code tried to start a worker thread, which grading does not allow: 0 points/,
  },
  {
    // the sandbox's environment is empty: the variable is not there to read
    name: 'reads an environment variable that the grader sets',
    body: `const v = process.env.${SECRET}; if (v === undefined) throw new Error('no ' + Object.keys(process.env).length); return Number(v);`,
    message: /^threw `Error: no 0` at lesson1\/index.ts:\d+$/,
  },
];

const attack = (body: string, preamble = PREAMBLE): string =>
  writeSubmission(tempDir('attack'), {
    'lesson1/index.ts': replaceBody('lesson1/index.ts', 'decodeFloat16', body, preamble),
  });

/** The attacked question's one message (its problem, or its first failed case), and lesson 6's points. */
function outcome(report: Report): { earned: number; message: string; lesson6: number } {
  const [attacked, correct] = report.questions;
  const message =
    report.loadFailures[0]?.message ?? attacked!.problem ?? attacked!.cases.find((c) => !c.passed)?.message;
  return { earned: attacked!.earned, message: message ?? 'all correct', lesson6: correct!.earned };
}

const osSandbox = isolation().kind === 'bubblewrap';
const modes = (osSandbox ? ['bubblewrap', 'node'] : ['node']) as ('bubblewrap' | 'node')[];

for (const sandbox of modes) {
  describe(`the grading sandbox (${sandbox === 'node' ? "Node's permission model alone" : 'bubblewrap'})`, function () {
    this.timeout(300_000);
    const reports = new Map<string, Report>();

    before(async () => {
      process.env[SECRET] = '1';
      for (const a of FILE_ATTACKS)
        reports.set(
          a.name,
          await timed(a.name, () => gradeSubmission(attack(a.body), { only: ['l1.q2', 'l6.q1'], sandbox })),
        );
      delete process.env[SECRET];
    });

    for (const a of FILE_ATTACKS) {
      it(`gives 0 points when a submission ${a.name}`, () => {
        const o = outcome(reports.get(a.name)!);
        expect(o.earned).to.equal(0);
        expect(o.message).to.match(a.message);
        expect(o.lesson6, 'lesson 6 keeps its points').to.equal(4);
      });
    }

    it('lets nothing be written', () => {
      expect(fs.existsSync(written)).to.equal(false);
    });

    if (sandbox === 'node')
      it('grades a correct submission in full after one that filled the stage with Unix sockets', async () => {
        // the permission model does not see sockets: where the later folders would go, they could block them
        const litter =
          "const net = require('net'); const root = path.resolve(__dirname, '../..');\n" +
          "const names = ['profiles', 'p-all', ...fs.readdirSync(root).map((n) => `${n}-2`), ...Array.from({ length: 30 }, (_, i) => `s${i}`)];\n" +
          "for (const n of names) net.createServer().on('error', () => undefined).listen(path.join(root, n));\n" +
          'await new Promise((r) => setTimeout(r, 200)); return -1;';
        const dir = attack(litter);
        const file = path.join(dir, 'lesson1/index.ts');
        fs.writeFileSync(
          file,
          fs.readFileSync(file, 'utf8').replace('export function decodeFloat16', 'export async function decodeFloat16'),
        );
        const littered = await gradeSubmission(dir, { only: ['l1.q2'], sandbox });
        expect(littered.questions[0]!.earned).to.equal(0);
        const total = loadQuestions().reduce((sum, q) => sum + pointsOf(q), 0);
        expect((await gradeSubmission(writeSubmission(tempDir('after')), { sandbox })).earned).to.equal(total);
      });

    it(sandbox === 'node' ? 'says in the report that it is a self-check' : 'reports a grade, not a self-check', () => {
      const r = reports.get(FILE_ATTACKS[0]!.name)!;
      expect(r.selfCheck).to.equal(sandbox === 'node' ? 'graded without an OS sandbox, as asked' : undefined);
    });
  });
}

describe('the OS sandbox against processes, signals, sockets and the network', function () {
  this.timeout(300_000);
  const received: string[] = [];
  const servers: net.Server[] = [];
  let port = 0;
  const abstract = `\0mp-grading-test-${process.pid}`;
  const hostSocket = path.join(os.tmpdir(), `mp-grading-attack-${process.pid}.sock`);

  before(async function () {
    if (!osSandbox) {
      console.log(
        `      skipped: ${isolation().kind === 'node' ? (isolation() as { why: { en: string } }).why.en : ''}`,
      );
      this.skip();
    }
    for (const address of [0, abstract]) {
      const server = net.createServer((s) => s.on('data', (d) => received.push(d.toString())));
      await new Promise<void>((resolve) => server.listen(address, resolve));
      if (address === 0) port = (server.address() as net.AddressInfo).port;
      servers.push(server);
    }
  });
  after(() => servers.forEach((s) => s.close()));

  const ATTACKS: { name: string; body: string; message: RegExp }[] = [
    {
      name: 'kills every process it may signal',
      body: "process.kill(-1, 'SIGKILL'); return 0;",
      message: /threw `Error: kill ESRCH`/, // none: it is alone in its PID namespace (the init is exempt)
    },
    {
      name: 'stops its parent (the grader, without a PID namespace)',
      body: "process.kill(process.ppid, 'SIGSTOP'); process.kill(process.ppid, 'SIGKILL'); return -1;",
      message: /expected 1, got -1/,
    },
    {
      name: 'kills the grader by its process id',
      body: `process.kill(${process.pid}, 'SIGKILL'); return -1;`,
      message: /threw `Error: kill ESRCH`/,
    },
    {
      name: 'sends its arguments to a server on the machine',
      body: `await new Promise<void>((resolve) => { const s = require('net').connect(${0}, '127.0.0.1', () => s.end('leak ' + bits)); s.on('error', () => resolve()); s.on('close', () => resolve()); }); return -1;`,
      message: /expected 1, got -1/,
    },
    {
      name: 'sends its arguments to an abstract Unix socket of the machine',
      body: `await new Promise<void>((resolve) => { const s = require('net').connect(${JSON.stringify(abstract)}, () => s.end('leak ' + bits)); s.on('error', () => resolve()); s.on('close', () => resolve()); }); return -1;`,
      message: /expected 1, got -1/,
    },
    {
      name: 'creates a Unix socket in the machine’s /tmp and in its own submission',
      body: `const srv = require('net').createServer(); await new Promise<void>((resolve) => { srv.on('error', () => resolve()); srv.listen(${JSON.stringify(hostSocket)}, () => resolve()); }); const again = require('net').createServer(); await new Promise<void>((resolve) => { again.on('error', (e: Error) => { throw e; }); again.listen(path.join(__dirname, 's.sock'), () => resolve()); }); return -1;`,
      message: /the process ended during the call|threw/,
    },
    {
      name: 'reads its own memory through /proc',
      body: "return fs.readFileSync('/proc/self/maps', 'utf8').length;",
      message: /tried to read a file outside your submission|ENOENT/,
    },
  ];
  const reports = new Map<string, Report>();
  let afterAttacks: Report;

  before(async () => {
    for (const a of ATTACKS) {
      const body = a.body.replace('connect(0,', `connect(${port},`);
      const dir = attack(body, PREAMBLE);
      fs.writeFileSync(
        path.join(dir, 'lesson1/index.ts'),
        fs
          .readFileSync(path.join(dir, 'lesson1/index.ts'), 'utf8')
          .replace('export function decodeFloat16', 'export async function decodeFloat16'),
      );
      reports.set(a.name, await timed(a.name, () => gradeSubmission(dir, { only: ['l1.q2', 'l6.q1'] })));
    }
    afterAttacks = await gradeSubmission(writeSubmission(tempDir('after')), { only: ['l1.q2', 'l6.q1'] });
  });

  for (const a of ATTACKS) {
    it(`contains a submission that ${a.name}`, () => {
      const o = outcome(reports.get(a.name)!);
      expect(o.earned).to.equal(0);
      expect(o.message).to.match(a.message);
      expect(o.lesson6).to.equal(4);
    });
  }

  it('lets no connection out, and no socket appear on the machine', () => {
    expect(received).to.deep.equal([]);
    expect(fs.existsSync(hostSocket)).to.equal(false);
  });

  it('grades a correct submission in full after all of them (the grader still runs)', () => {
    expect(afterAttacks.earned).to.equal(11);
  });
});

describe('the channel from the sandbox', function () {
  this.timeout(300_000);
  const q = loadQuestions().find((x) => x.id === 'l1.q2') as CodeQuestion;
  const solution = fs
    .readFileSync(path.join(SOLUTIONS, 'lesson1/index.ts'), 'utf8')
    .replace('export function decodeFloat16(', 'function decode(');
  /** A lesson 1 whose decodeFloat16 runs `body` and then answers right, unless `body` returns first. */
  const grade = async (body: string, top = ''): Promise<Report> =>
    gradeSubmission(
      writeSubmission(tempDir('channel'), {
        'lesson1/index.ts': `import * as fs from 'fs';\n${top}\n${solution}\nexport async function decodeFloat16(bits: number): Promise<number> {\n${body}\nreturn decode(bits);\n}\n`,
      }),
      { only: ['l1.q2', 'l6.q1'] },
    );
  const forged = (value: unknown): string =>
    JSON.stringify(
      `x ${JSON.stringify({ type: 'result', index: 0, value: toWire(value), valueType: 'number', leaked: 0, mutated: false })}\n`,
    );

  it('(the control: the same file, answering honestly, gets full marks)', async () => {
    expect((await grade('')).questions.map((x) => x.earned)).to.deep.equal([7, 4]);
  });

  it('ends a sandbox that writes a result line of its own, and fails its case', async () => {
    const o = outcome(await grade(`fs.writeSync(3, ${forged(1)});`));
    expect([o.earned, o.lesson6]).to.deep.equal([0, 4]);
    expect(o.message).to.equal(
      "the process wrote on the grader's channel during the call, which grading does not allow",
    );
  });

  it("ends a sandbox that reports 'loaded' for a file that never finishes loading", async () => {
    const r = await grade('', 'fs.writeSync(3, \'x {"type":"loaded"}\\n\');\nwhile (true) {}');
    expect(r.loadFailures.map((f) => f.message)).to.deep.equal([
      "lesson1/index.ts did not load: the process wrote on the grader's channel while loading, which grading does not allow",
    ]);
  });

  it('keeps the token out of what the submission can read from its stdin', async () => {
    const o = outcome(await grade('const b = Buffer.alloc(4096); fs.readSync(0, b); return -1;'));
    expect(o.earned).to.equal(0);
    expect(o.message).to.match(/waited 2.0 s without computing/);
  });

  it('removes the APIs that read the heap before the submission loads', async () => {
    const probe =
      "const v8 = require('v8'); const esm = await import('node:v8');\n" +
      "const usable = (m: Record<string, unknown>, k: string): boolean => typeof m[k] === 'function';\n" +
      "if (['getHeapSnapshot', 'writeHeapSnapshot', 'queryObjects', 'setFlagsFromString'].some((k) => usable(v8, k) || usable(esm, k) || usable(esm.default, k))) return -1;";
    expect((await grade(probe)).questions.map((x) => x.earned)).to.deep.equal([7, 4]);
  });

  it("gives a stack-trace hook no function or receiver of the harness's frames", async () => {
    const probe =
      'const hook = Error.prepareStackTrace; let leaked = 0;\n' +
      'Error.prepareStackTrace = (_e, frames) => { for (const f of frames) if (/child\\.js/.test(f.getFileName() ?? "") && (f.getFunction() || f.getThis())) leaked++; return ""; };\n' +
      'void new Error().stack; Error.prepareStackTrace = hook; if (leaked) return -1;';
    expect((await grade(probe)).questions.map((x) => x.earned)).to.deep.equal([7, 4]);
  });

  it('lets no signal start the inspector, through which a debugger could read the token', async () => {
    const probe =
      "process.kill(process.pid, 'SIGUSR1'); await new Promise((r) => setTimeout(r, 300));\n" +
      "const open = await new Promise<boolean>((resolve) => require('net').connect(9229, '127.0.0.1').on('connect', () => resolve(true)).on('error', () => resolve(false)));\n" +
      'if (open) return -1;';
    expect((await grade(probe)).questions.map((x) => x.earned)).to.deep.equal([7, 4]);
  });

  /** A spy: answers right only while nothing it can see (argv, environment, arguments) holds one of `watch`. */
  const spy = (watch: string[]): string =>
    `const seen = JSON.stringify([process.argv, process.env, bits]);\nif (${JSON.stringify(watch)}.some((w) => seen.includes(w))) return -12345;`;

  it('sends the sandbox arguments only, never an expected value', async () => {
    const expected = q.cases.map((c) => toWire(c.expected)).filter((e) => e.length > 3); // 65504, -2.5, …
    expect(expected.length).to.be.at.least(3);
    expect((await grade(spy(expected))).questions[0]!.earned).to.equal(7);
  });

  it('(the spy above sees the arguments, so it would see an expected value)', async () => {
    expect((await grade(spy([String(q.cases[3]!.args[0])]))).questions[0]!.earned).to.be.below(7);
  });
});

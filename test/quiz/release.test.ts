import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import {
  gradeConcept,
  loadQuestions,
  writeRelease,
  type CodeQuestion,
  type ConceptQuestion,
  type Question,
} from '../../src/quiz';
import { lessonPoints } from '../../src/quiz/release_files';
import { toWire } from '../../src/quiz/wire';
import { inLang, LANGS } from '../../src/quiz/text';

const ROOT = path.join(__dirname, '../..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** The code lines inside BEGIN/END SOLUTION blocks of every solution file. */
function solutionLines(): string[] {
  return filesUnder(path.join(ROOT, 'solutions'))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return [...text.matchAll(/\/\/ BEGIN SOLUTION[^\n]*\n([\s\S]*?)\/\/ END SOLUTION/g)].flatMap((m) =>
        m[1]!.split('\n'),
      );
    })
    .map((l) => l.trim())
    .filter((l) => l.length > 25); // distinctive lines, not braces or short returns
}

describe('the student release (npm run release)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'release-'));
  let files: string[];
  let texts: string;
  before(() => {
    writeRelease(ROOT, out);
    files = filesUnder(out);
    texts = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  });

  it('holds exercises, notebooks, the library and the grader, but no solutions, tests or question sources', () => {
    const rel = files.map((f) => path.relative(out, f));
    expect(rel).to.include.members([
      'exercises/lesson1/index.ts',
      'src/mp/index.ts',
      'src/quiz/cli.ts',
      'src/quiz/bank.json',
    ]);
    expect(rel.filter((f) => /^(solutions|test)\/|^src\/quiz\/questions\//.test(f))).to.be.empty;
  });

  it('contains no solution code', () => {
    // lines that the libraries contain (exponent extraction, McNemar's exact tail, say) are public anyway: the
    // lessons run on them, and the sandbox keeps them out of reach of an exercise that re-derives one (uses)
    const library = ['src/mp', 'src/course']
      .flatMap((d) => filesUnder(path.join(ROOT, d)))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const lines = solutionLines().filter((l) => !library.includes(l));
    expect(lines.length).to.be.above(30);
    expect(
      lines.filter((l) => texts.includes(l)),
      'solution lines in the release',
    ).to.deep.equal([]);
    expect(texts).not.to.match(/^\s*\/\/ BEGIN SOLUTION/m); // no marked solution block survives
  });

  it('contains no hidden case and no expected value of one', () => {
    const bank = fs.readFileSync(path.join(out, 'src/quiz/bank.json'), 'utf8');
    const code = loadQuestions().filter((q): q is CodeQuestion => q.kind === 'code');
    // a hidden value that some public case also shows (float16's smallest subnormal, or a wrong answer's value
    // that a public case recognises, say) is public anyway
    const publicText = code
      .flatMap((q) => q.cases.filter((k) => !k.hidden).map((k) => toWire([k.args, k.expected, k.misconceptions])))
      .join('\n');
    let checked = 0;
    for (const q of code) {
      for (const c of q.cases.filter((k) => k.hidden)) {
        for (const text of LANGS.flatMap((l) => [c.name, c.catches ?? c.name].map((t) => inLang(t, l))))
          if (!publicText.includes(JSON.stringify(text)))
            expect(bank, `${q.id} ${text}`).not.to.include(JSON.stringify(text));
        const value = toWire(c.judge ?? c.expected); // a judged case holds its judge in place of an expected value
        if (value.length > 3 && !publicText.includes(value)) {
          expect(bank, `${q.id} ${inLang(c.name, 'en')}: ${value}`).not.to.include(value);
          checked++;
        }
      }
    }
    expect(checked).to.be.at.least(20);
    expect(bank).not.to.include('"hidden":true');
  });

  it('stores concept answers only as hashes, which still grade', () => {
    const bank = JSON.parse(fs.readFileSync(path.join(out, 'src/quiz/bank.json'), 'utf8')) as ConceptQuestion[];
    const concepts = bank.filter((q) => q.kind !== ('code' as string));
    expect(concepts.length).to.be.at.least(6);
    for (const q of concepts) {
      expect(q).not.to.have.property('answer');
      expect(q.answerHash).to.match(/^[0-9a-f]{64}$/);
    }
    const l1 = concepts.find((q) => q.id === 'l1.c2')!;
    expect(gradeConcept(l1, 7.5625).passed).to.equal(true);
    expect(gradeConcept(l1, '7.5625').passed).to.equal(true);
    expect(gradeConcept(l1, 7.5).passed).to.equal(false);
  });

  it('keeps only the npm scripts a student uses', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(out, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(Object.keys(pkg.scripts).sort()).to.deep.equal([
      'grade',
      'html',
      'kernel',
      'prepare',
      'resources',
      'start',
      'submit',
      'train',
      'typecheck',
    ]);
  });

  it('ships a student README whose links resolve and whose commands exist, the LICENSE and a .gitignore', () => {
    const readme = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)]
      .map((m) => decodeURI(m[1]!))
      .filter((l) => !/^https?:/.test(l));
    expect(links.length).to.be.at.least(7);
    expect(
      links.filter((l) => !fs.existsSync(path.join(out, l))),
      'dead links',
    ).to.deep.equal([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(out, 'package.json'), 'utf8')) as { scripts: object };
    const commands = [...readme.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]!);
    expect(
      commands.filter((c) => !(c in pkg.scripts)),
      'commands the release lacks',
    ).to.deep.equal([]);
    expect(readme).not.to.match(/npm test|solutions\/|npm run exercises/);
    const hidden = loadQuestions().reduce(
      (s, q) => s + (q.kind === 'code' ? q.cases.filter((c) => c.hidden).reduce((t, c) => t + c.points, 0) : 0),
      0,
    );
    expect(readme).to.include(`Hidden cases, worth ${hidden} more points, are graded after you`);
    const concept = loadQuestions().reduce((s, q) => s + (q.kind === 'code' ? 0 : q.points), 0);
    expect(readme).to.include(`So are your concept answers (${concept} points)`);
    expect(fs.readFileSync(path.join(out, 'LICENSE'), 'utf8')).to.match(
      /^MIT License\n\nCopyright \(c\) 2026 the course authors/,
    );
    const license = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { license: string })
      .license;
    expect(license).to.equal('MIT');
  });

  it('refuses to write into a folder that is not empty', () => {
    expect(() => writeRelease(ROOT, out)).to.throw(/not empty/);
  });
});

describe('a student release as a repository of its own', function () {
  this.timeout(300_000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'release-repo-'));
  const run = (cmd: string, args: string[]): { status: number | null; output: string } => {
    const r = spawnSync(cmd, args, { cwd: out, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };
  before(() => {
    writeRelease(ROOT, out);
    // what a student's copy gathers that must stay out of their commits
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(out, 'node_modules'));
    fs.mkdirSync(path.join(out, '.venv', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(out, '.venv', 'bin', 'python'), '');
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('commits cleanly: no installed packages, nothing left untracked', () => {
    const git = (...args: string[]): { status: number | null; output: string } =>
      run('git', ['-c', 'user.name=student', '-c', 'user.email=student@example.edu', ...args]);
    expect(git('init', '-q').status).to.equal(0);
    expect(git('add', '-A').status).to.equal(0);
    expect(git('commit', '-qm', 'release').status).to.equal(0);
    const tracked = git('ls-files').output.trim().split('\n');
    expect(tracked).to.include.members(['.gitignore', 'LICENSE', 'README.md', '.github/workflows/classroom.yml']);
    expect(tracked.filter((f) => /^(node_modules|\.venv)\b/.test(f))).to.deep.equal([]);
    expect(git('status', '--porcelain').output).to.equal('');
  });

  it('installs from its lockfile (npm ci, planned offline)', () => {
    const r = run('npm', ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund']);
    expect(r.status, r.output).to.equal(0);
  });

  it("builds the kernel's library bundle as npm install does (prepare), and keeps it out of commits", () => {
    const built = run('npm', ['run', 'prepare']);
    expect(built.status, built.output).to.equal(0);
    expect(built.output).to.match(/Built the kernel's library bundle \(\d+ modules\)/);
    expect(run('node', ['scripts/kernel/bundle.js', '--check']).output).to.include('dist/kernel is up to date');
    expect(run('git', ['status', '--porcelain']).output, 'dist/ is ignored').to.equal('');
  });

  it('grades itself on the public cases, says what hidden cases add, and submits', () => {
    const graded = run('npm', ['run', 'grade']);
    expect(graded.status, graded.output).to.equal(0);
    expect(graded.output).to.match(/lesson 1: not started \(0\/\d+\)/);
    expect(graded.output).to.match(/Hidden cases worth \d+ more points are graded after you submit/);
    const strict = run('npm', ['run', 'grade', '--', '--only', 'l1', '--pass-all']);
    expect(strict.status, 'a stub does not pass').to.equal(1);
    // a finished lesson passes, though the release can only record its concept answers (no course key)
    const mine = ['lesson1/index.ts', 'answers.json'].map((f) => path.join(out, 'exercises', f));
    const stubs = mine.map((f) => fs.readFileSync(f, 'utf8'));
    for (const f of mine)
      fs.copyFileSync(path.join(ROOT, 'solutions', path.relative(path.join(out, 'exercises'), f)), f);
    const done = run('npm', ['run', 'grade', '--', '--only', 'l1', '--pass-all']);
    mine.forEach((f, i) => fs.writeFileSync(f, stubs[i]!));
    expect(done.status, done.output).to.equal(0);
    expect(done.output).to.match(/l1\.c1 .* 0\/2 +recorded/);
    const submitted = run('npm', ['run', 'submit']);
    expect(submitted.status, submitted.output).to.equal(0);
    expect(fs.existsSync(path.join(out, 'submission.zip'))).to.equal(true);
    expect(run('git', ['status', '--porcelain']).output, 'submission.zip is ignored').to.equal('');
  });

  it("has a GitHub Classroom workflow with a step per lesson, worth the lesson's checkable points", () => {
    const workflow = fs.readFileSync(path.join(out, '.github/workflows/classroom.yml'), 'utf8');
    const steps = [
      ...workflow.matchAll(/command: npm run --silent grade -- --only (l\d) --pass-all\n.*\n +max-score: (\d+)/g),
    ];
    expect(steps.map((m) => m[1])).to.deep.equal(['l1', 'l2', 'l3', 'l4', 'l5', 'l6']);
    const bank = JSON.parse(fs.readFileSync(path.join(out, 'src/quiz/bank.json'), 'utf8')) as Question[];
    for (const [, lesson, score] of steps) {
      expect(Number(score), lesson).to.equal(lessonPoints(bank, Number(lesson!.slice(1))).shown);
    }
    expect(workflow).to.include('runners: lesson-1,lesson-2,lesson-3,lesson-4,lesson-5,lesson-6');
  });
});

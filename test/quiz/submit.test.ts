/**
 * `npm run submit`: exercises/ packed into the one zip a student uploads, with what is left to do; an
 * answers.json that is not JSON is refused before it reaches the instructor. (collect.test.ts collects such a
 * zip and grades it.)
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yauzl from 'yauzl';
import { loadQuestions, type CodeQuestion } from '../../src/quiz';
import { EXERCISES, ROOT, SOLUTIONS, tempDir } from '../../scripts/quiz/submissions';

function submit(exercises: string, out: string): { status: number | null; output: string } {
  const r = spawnSync('npm', ['run', '--silent', 'submit', '--', '--exercises', exercises, '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('npm run submit', function () {
  this.timeout(60_000);
  const work = tempDir('submit');
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('packs what grading reads into one zip and lists what is not complete yet', async () => {
    const mine = path.join(work, 'exercises');
    fs.cpSync(EXERCISES, mine, { recursive: true });
    fs.copyFileSync(path.join(SOLUTIONS, 'lesson1', 'index.ts'), path.join(mine, 'lesson1', 'index.ts'));
    const answers = JSON.parse(fs.readFileSync(path.join(mine, 'answers.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(mine, 'answers.json'), JSON.stringify({ ...answers, 'l1.c1': 'anything' }));
    fs.mkdirSync(path.join(mine, 'node_modules', 'x'), { recursive: true });
    fs.writeFileSync(path.join(mine, 'node_modules', 'x', 'index.ts'), 'export {};');
    fs.writeFileSync(path.join(mine, 'lesson1', 'notes.md'), 'not graded');

    const out = path.join(work, 'submission.zip');
    const r = submit(mine, out);
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.match(/^wrote .*submission\.zip \(7 files, [\d.]+ KiB\): upload this file to the assignment/);
    expect(r.output).to.include('not complete yet (you may still submit it):');
    const last = loadQuestions()
      .filter((q): q is CodeQuestion => q.kind === 'code')
      .at(-1)!;
    expect(r.output).to.match(
      new RegExp(`not started: l2\\.q1 observerQParams, .*${last.id.replace('.', '\\.')} ${last.export}\n`),
    );
    expect(r.output).not.to.match(/not started: [^\n]*l1\.q/);
    expect(r.output).to.include('no answer in answers.json: l1.c2, l1.c3, l1.c4, l1.c5, l2.c1');
    const zip = await yauzl.openPromise(out, { lazyEntries: true });
    const names: string[] = [];
    for await (const e of zip.eachEntry()) names.push(e.fileName);
    expect(names.sort()).to.deep.equal(
      ['answers.json', ...[1, 2, 3, 4, 5, 6].map((n) => `lesson${n}/index.ts`)].map((f) => `exercises/${f}`),
    );
  });

  it('says a finished folder is complete', () => {
    const r = submit(SOLUTIONS, path.join(work, 'done.zip'));
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.include('complete: every exercise started and every concept question answered');
  });

  it('refuses an answers.json that is not JSON, saying so', () => {
    const broken = path.join(work, 'broken');
    fs.cpSync(EXERCISES, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'answers.json'), '{ "l1.c2": 7.5625, }');
    const r = submit(broken, path.join(work, 'broken.zip'));
    expect(r.status).to.equal(2);
    expect(r.output).to.match(/GradingError: answers\.json is not valid JSON \(.*\): fix it, then submit again\./);
    expect(fs.existsSync(path.join(work, 'broken.zip'))).to.equal(false);
  });
});

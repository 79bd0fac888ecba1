/**
 * A class as an LMS exports it: a folder of zips, one per student, through `npm run grade -- --collect`.
 * Bad archives are refused with their reason and leave nothing behind; the good ones grade; a regrade of
 * one question changes only its column and the totals.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from '../../src/quiz';
import { gradebookCsv } from '../../src/quiz/report';
import { ROOT, SOLUTIONS, tempDir } from '../../scripts/quiz/submissions';
import { entriesOf, writeZip } from './zip';

function grade(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'src/quiz/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, output: r.stdout + r.stderr };
}

const rows = (csv: string): string[][] =>
  csv
    .trim()
    .split('\n')
    .map((l) => l.split(','));

/** The columns (by header) in which two gradebooks of the same students differ. */
function differingColumns(before: string, after: string): string[] {
  const [header, ...a] = rows(before);
  const b = rows(after).slice(1);
  return header!.filter((_, j) => a.some((row, i) => row[j] !== b[i]![j]));
}

describe('collecting a class from an LMS export (npm run grade -- --collect)', function () {
  this.timeout(300_000);
  const work = tempDir('collect');
  const zips = path.join(work, 'export');
  const klass = path.join(work, 'class');
  const solution = entriesOf(SOLUTIONS);
  let run: { status: number | null; output: string };

  before(() => {
    fs.mkdirSync(zips);
    const zip = (name: string, entries: Parameters<typeof writeZip>[1]): void =>
      writeZip(path.join(zips, name), entries);
    zip('lovelaceada_101_9001_exercises.zip', solution);
    zip('turingalan_late_102_9002_my-work.zip', [
      ...entriesOf(SOLUTIONS, 'Alan Turing/course/exercises/'),
      { name: '__MACOSX/Alan Turing/._course', data: 'resource fork' },
      { name: 'Alan Turing/course/node_modules/left-pad/index.js', data: 'module.exports = 1;' },
    ]);
    zip('mallorymal_103_9003_exercises.zip', [...solution, { name: '../../escaped.ts', data: 'export {};' }]);
    zip('linkerlin_104_9004_exercises.zip', [
      ...solution,
      { name: 'lesson1/secret.ts', data: '/etc/passwd', mode: 0o120777 },
    ]);
    zip('bomberbob_105_9005_exercises.zip', [...solution, { name: 'filler.bin', data: Buffer.alloc(24 << 20) }]);
    fs.writeFileSync(path.join(zips, 'brokenbea_106_9006_exercises.zip'), 'not a zip at all');
    writeZip(path.join(zips, 'exercises.zip'), solution);
    run = grade(['--collect', zips, '--class', klass, '--lms', 'canvas']);
  });

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('refuses each bad archive with its reason', () => {
    expect(run.status, run.output).to.equal(0);
    const refusal = (file: string): string =>
      run.output.split('\n').find((l) => l.startsWith(`refused ${file}: `)) ?? `no refusal for ${file}`;
    expect(refusal('mallorymal_103_9003_exercises.zip')).to.include(
      "an entry's path escapes the folder (invalid relative path: ../../escaped.ts)",
    );
    expect(refusal('linkerlin_104_9004_exercises.zip')).to.include('lesson1/secret.ts is a symbolic link');
    expect(refusal('bomberbob_105_9005_exercises.zip')).to.match(
      /it expands to 24\.\d MiB, more than the 20\.0 MiB a submission may/,
    );
    expect(refusal('brokenbea_106_9006_exercises.zip')).to.include('not a readable zip file');
    expect(refusal('exercises.zip')).to.include('the name is not a canvas submission name');
    expect(run.output).to.include('collected 2 submissions');
  });

  it('leaves nothing of a refused archive behind, and tells its student why', () => {
    expect(fs.existsSync(path.join(work, 'escaped.ts'))).to.equal(false);
    expect(fs.existsSync(path.join(klass, 'escaped.ts'))).to.equal(false);
    const folders = fs.readdirSync(klass).filter((f) => fs.statSync(path.join(klass, f)).isDirectory());
    expect(folders.sort()).to.deep.equal(['.reports', 'feedback', 'lovelaceada_101', 'turingalan_102']);
    expect(fs.readFileSync(path.join(klass, 'feedback', 'linkerlin_104.md'), 'utf8')).to.include('symbolic link');
  });

  it('grades the good ones, the nested layout too, into the gradebook and the Canvas import', () => {
    const gradebook = rows(fs.readFileSync(path.join(klass, 'gradebook.csv'), 'utf8'));
    expect(gradebook.slice(1).map((r) => [r[0], r.at(-1)])).to.deep.equal([
      ['lovelaceada_101', '100%'],
      ['turingalan_102', '100%'],
    ]);
    expect(fs.existsSync(path.join(klass, 'turingalan_102', 'node_modules')), 'node_modules skipped').to.equal(false);
    const max = gradebook[1]!.at(-2);
    expect(fs.readFileSync(path.join(klass, 'canvas.csv'), 'utf8')).to.equal(
      [
        'Student,ID,SIS User ID,SIS Login ID,Section,Mixed precision course',
        `Points Possible,,,,,${max}`,
        `lovelaceada,101,,,,${max}`,
        `turingalan,102,,,,${max}`,
        '',
      ].join('\n'),
    );
  });

  it('regrades a fixed question into the previous results: only its column and the totals change', () => {
    // as if l3.q2 had been wrong when the class was graded: Ada's stored result is 0
    const file = path.join(klass, '.reports', 'lovelaceada_101.json');
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
    const lost = report.questions.find((q) => q.id === 'l3.q2')!.points;
    const wrong: Report = {
      ...report,
      questions: report.questions.map((q) => (q.id === 'l3.q2' ? { ...q, earned: 0 } : q)),
      earned: report.earned - lost,
    };
    fs.writeFileSync(file, JSON.stringify(wrong));
    const other = JSON.parse(fs.readFileSync(path.join(klass, '.reports', 'turingalan_102.json'), 'utf8')) as Report;
    const before = gradebookCsv([wrong, other]);

    const r = grade(['--class', klass, '--only', 'l3.q2']);
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.include('regrade changed: l3.q2 (1), total (1)');
    const after = fs.readFileSync(path.join(klass, 'gradebook.csv'), 'utf8');
    expect(differingColumns(before, after)).to.deep.equal(['l3.q2', 'total', 'percent']);
    expect(rows(after)[1]!.at(-1)).to.equal('100%');
  });
});

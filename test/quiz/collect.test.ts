/**
 * A class as each LMS downloads it, through `npm run grade -- --collect`: Canvas's download zip as it comes
 * (names with accents and Chinese characters, anonymous grading, LATE) and Moodle's default layout (a folder
 * per student). Bad archives are refused with their reason, listed in refused.csv, and make the command exit
 * 1; the good ones grade; lateness reaches the gradebook; the class list names who submitted nothing; a
 * regrade keeps the LMS column and warns when the maximum changes.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yauzl from 'yauzl';
import { loadQuestions, pointsOf, type Report } from '../../src/quiz';
import { parseCsv, toCsv } from '../../src/quiz/csv';
import { collectClass } from '../../src/quiz/collect';
import { gradebookCsv } from '../../src/quiz/report';
import { packSubmission } from '../../src/quiz/submit';
import { zipBytes } from '../../src/quiz/zip';
import { EXERCISES, ROOT, SOLUTIONS, tempDir } from '../../scripts/quiz/submissions';
import { entriesOf, writeZip, type ZipEntry } from './zip';

function grade(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'src/quiz/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, output: r.stdout + r.stderr };
}

const rows = (file: string): string[][] => parseCsv(fs.readFileSync(file, 'utf8'));
const line = (output: string, start: string): string =>
  output.split('\n').find((l) => l.startsWith(start)) ?? `no line starting ${start}`;

/** The columns (by header) in which two gradebooks of the same students differ. */
function differingColumns(before: string, after: string): string[] {
  const [header, ...a] = parseCsv(before);
  const b = parseCsv(after).slice(1);
  return header!.filter((_, j) => a.some((row, i) => row[j] !== b[i]![j]));
}

describe("collecting Canvas's download zip as it comes (npm run grade -- --collect)", function () {
  this.timeout(300_000);
  const work = tempDir('canvas');
  const download = path.join(work, 'mp101-mixed-precision submissions.zip');
  const klass = path.join(work, 'class');
  const solution = entriesOf(SOLUTIONS);
  let run: { status: number | null; output: string };

  before(() => {
    const submitted = path.join(work, 'submission.zip');
    packSubmission(SOLUTIONS, submitted); // what `npm run submit` makes from a finished exercises/ folder
    const zip = (entries: ZipEntry[]): Buffer => zipBytes(entries);
    writeZip(download, [
      { name: 'lovelaceada_101_9001_exercises.zip', data: zip(solution) },
      { name: 'lovelaceada_101_9011_notes.txt', data: 'my notes' },
      {
        name: 'núñezjosé_LATE_103_9003_my-work.zip',
        data: zip([
          ...entriesOf(SOLUTIONS, 'José Núñez/course/exercises/'),
          { name: '__MACOSX/José Núñez/._course', data: 'resource fork' },
          { name: 'José Núñez/course/node_modules/left-pad/index.js', data: 'module.exports = 1;' },
        ]),
      },
      { name: '王小明_104_9004_作业.zip', data: zip(entriesOf(EXERCISES)) },
      { name: 'LATE_anon_Xy7Qp_9005_submission.zip', data: fs.readFileSync(submitted) },
      { name: 'mallorymal_105_9006_exercises.zip', data: zip([...solution, { name: '../../escaped.ts', data: '' }]) },
      {
        name: 'linkerlin_106_9007_exercises.zip',
        data: zip([...solution, { name: 'lesson1/secret.ts', data: '/etc/passwd', mode: 0o120777 }]),
      },
      {
        name: 'bomberbob_108_9008_exercises.zip',
        data: zip([...solution, { name: 'f.bin', data: Buffer.alloc(24 << 20) }]),
      },
      { name: 'brokenbea_109_9009_exercises.zip', data: 'not a zip at all' },
      { name: 'exercises.zip', data: zip(solution) },
    ]);
    const roster = path.join(work, 'gradebook-export.csv');
    fs.writeFileSync(
      roster,
      toCsv([
        ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', 'Mixed precision (77)'],
        ['    Points Possible', '', '', '', '', '70'],
        ...[
          ['Lovelace, Ada', '101'],
          ['Núñez, José', '103'],
          ['王, 小明', '104'],
          ['Hopper, Grace', '107'],
        ].map(([name, id]) => [name!, id!, '', '', 'A', '']),
      ]),
    );
    const args = ['--collect', download, '--class', klass, '--lms', 'canvas', '--roster', roster];
    run = grade([...args, '--assignment', 'Mixed precision (77)', '--only', 'l1']);
  });

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('refuses each bad archive with its reason, in refused.csv too, and exits 1', () => {
    expect(run.status, run.output).to.equal(1);
    expect(line(run.output, 'refused mallorymal_105_9006_exercises.zip: ')).to.include(
      "an entry's path escapes the folder (invalid relative path: ../../escaped.ts)",
    );
    expect(line(run.output, 'refused linkerlin_106_9007_exercises.zip: ')).to.include(
      'lesson1/secret.ts is a symbolic link',
    );
    expect(line(run.output, 'refused bomberbob_108_9008_exercises.zip: ')).to.match(
      /it expands to 24\.\d MiB, more than the 20\.0 MiB a submission may/,
    );
    expect(line(run.output, 'refused brokenbea_109_9009_exercises.zip: ')).to.include('not a readable zip file');
    expect(line(run.output, 'refused exercises.zip: ')).to.include('the name is not a Canvas download name');
    expect(line(run.output, 'ignored lovelaceada_101_9011_notes.txt: ')).to.include('not graded: only');
    expect(run.output).to.include('collected 4 submissions').and.include('(2 late), refused 5');
    const refused = rows(path.join(klass, 'refused.csv'));
    expect(refused[0]).to.deep.equal(['file', 'student', 'status', 'reason']);
    expect(refused.slice(1).map((r) => [r[0], r[1], r[2]])).to.have.deep.members([
      ['exercises.zip', '', 'refused'],
      ['mallorymal_105_9006_exercises.zip', 'mallorymal_105', 'refused'],
      ['linkerlin_106_9007_exercises.zip', 'linkerlin_106', 'refused'],
      ['bomberbob_108_9008_exercises.zip', 'bomberbob_108', 'refused'],
      ['brokenbea_109_9009_exercises.zip', 'brokenbea_109', 'refused'],
      ['lovelaceada_101_9011_notes.txt', 'lovelaceada_101', 'ignored'],
    ]);
  });

  it('leaves nothing of a refused archive behind, and tells its student why', () => {
    expect(fs.existsSync(path.join(work, 'escaped.ts'))).to.equal(false);
    expect(fs.existsSync(path.join(klass, 'escaped.ts'))).to.equal(false);
    const folders = fs.readdirSync(klass).filter((f) => fs.statSync(path.join(klass, f)).isDirectory());
    expect(folders.sort()).to.deep.equal(
      ['.reports', 'anon_Xy7Qp', 'feedback', 'lovelaceada_101', 'núñezjosé_103', '王小明_104'].sort(),
    );
    expect(fs.readFileSync(path.join(klass, 'feedback', 'linkerlin_106.md'), 'utf8')).to.include('symbolic link');
  });

  it('names who submitted nothing, from the class list', () => {
    expect(run.output).to.include('no submission from 1: Hopper, Grace (107)');
    expect(rows(path.join(klass, 'no-submission.csv'))).to.deep.equal([
      ['id', 'name'],
      ['107', 'Hopper, Grace'],
    ]);
  });

  it('grades the good ones, nested and non-ASCII ones too, with lateness in the gradebook', () => {
    const gradebook = rows(path.join(klass, 'gradebook.csv'));
    expect(gradebook[0]!.at(-1)).to.equal('late');
    expect(gradebook.slice(1).map((r) => [r[0], r.at(-2), r.at(-1)])).to.have.deep.members([
      ['anon_Xy7Qp', '100%', 'LATE'],
      ['lovelaceada_101', '100%', ''],
      ['núñezjosé_103', '100%', 'LATE'],
      ['王小明_104', '0%', ''],
    ]);
    expect(fs.existsSync(path.join(klass, 'núñezjosé_103', 'node_modules')), 'node_modules skipped').to.equal(false);
  });

  it('writes the Canvas import under the assignment given, leaving out the anonymous submission', () => {
    const max = rows(path.join(klass, 'gradebook.csv'))[1]!.at(-3);
    expect(rows(path.join(klass, 'canvas.csv'))).to.deep.equal([
      ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', 'Mixed precision (77)'],
      ['Points Possible', '', '', '', '', max],
      ['lovelaceada', '101', '', '', '', max],
      ['núñezjosé', '103', '', '', '', max],
      ['王小明', '104', '', '', '', '0'],
    ]);
  });

  it('regrades a fixed question into the previous results, under the same Canvas column', () => {
    // as if l1.q2 had been wrong when the class was graded: Ada's stored result is 0
    const file = path.join(klass, '.reports', 'lovelaceada_101.json');
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
    const lost = report.questions.find((q) => q.id === 'l1.q2')!.points;
    const wrong: Report = {
      ...report,
      questions: report.questions.map((q) => (q.id === 'l1.q2' ? { ...q, earned: 0 } : q)),
      earned: report.earned - lost,
    };
    fs.writeFileSync(file, JSON.stringify(wrong));
    const students = ['anon_Xy7Qp', 'lovelaceada_101', 'núñezjosé_103', '王小明_104'];
    const before = gradebookCsv(
      students.map((s) =>
        s === 'lovelaceada_101'
          ? wrong
          : (JSON.parse(fs.readFileSync(path.join(klass, '.reports', `${s}.json`), 'utf8')) as Report),
      ),
    );
    const r = grade(['--class', klass, '--only', 'l1.q2']);
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.include('regrade changed: l1.q2 (1), total (1)');
    expect(r.output).not.to.include('warning:');
    const after = fs.readFileSync(path.join(klass, 'gradebook.csv'), 'utf8');
    expect(differingColumns(before, after.replace(/,late\n/, '\n').replace(/,(LATE)?\n/g, '\n'))).to.deep.equal([
      'l1.q2',
      'total',
      'percent',
    ]);
    expect(rows(path.join(klass, 'canvas.csv'))[0]!.at(-1)).to.equal('Mixed precision (77)');
  });

  it('warns when a grading changes what the LMS import expects: the column, the maximum, the questions', () => {
    const r = grade(['--class', klass, '--only', 'l1,l2', '--assignment', 'Another name']);
    expect(r.status, r.output).to.equal(0);
    const max = Number(rows(path.join(klass, 'gradebook.csv'))[1]!.at(-3));
    const lesson1 = loadQuestions()
      .filter((q) => q.id.startsWith('l1.'))
      .reduce((s, q) => s + pointsOf(q), 0);
    expect(r.output.split('\n').filter((l) => l.startsWith('warning: '))).to.deep.equal([
      'warning: the Canvas column changes from "Mixed precision (77)" to "Another name": importing canvas.csv ' +
        'would make a new assignment (pass --assignment "Mixed precision (77)" to keep it)',
      `warning: the maximum changes from ${lesson1} to ${max} points: set the LMS assignment's maximum to ${max} before importing`,
      `warning: the questions changed since the last grading (added ${loadQuestions()
        .filter((q) => q.id.startsWith('l2.'))
        .map((q) => q.id)
        .join(', ')})`,
    ]);
  });
});

describe("collecting Moodle's default download: a folder per student", function () {
  this.timeout(300_000);
  const work = tempDir('moodle');
  const download = path.join(work, 'MP101-Mixed precision-42.zip');
  const klass = path.join(work, 'class');
  let run: { status: number | null; output: string };

  before(() => {
    writeZip(download, [
      { name: 'Ada Lovelace_501_assignsubmission_file/exercises.zip', data: zipBytes(entriesOf(SOLUTIONS)) },
      { name: 'Ada Lovelace_501_assignsubmission_file/screenshot.png', data: 'png' },
      ...entriesOf(SOLUTIONS, 'José Núñez_502_assignsubmission_file/'),
      { name: 'José Núñez_502_assignsubmission_onlinetext/onlinetext.html', data: '<p>done</p>' },
      { name: 'Grace Hopper_503_assignsubmission_onlinetext/onlinetext.html', data: '<p>see attached</p>' },
    ]);
    const worksheet = path.join(work, 'Grades-MP101-Mixed precision-42.csv');
    fs.writeFileSync(
      worksheet,
      toCsv([
        ['Identifier', 'Full name', 'Email address', 'Status', 'Grade', 'Maximum Grade'],
        ['Participant 501', 'Ada Lovelace', 'ada@example.edu', 'Submitted for grading - 2 days 1 hour late', '', '70'],
        ['Participant 502', 'José Núñez', 'jose@example.edu', 'Submitted for grading', '', '70'],
        ['Participant 503', 'Grace Hopper', 'grace@example.edu', 'Submitted for grading', '', '70'],
        ['Participant 504', 'Alan Turing', 'alan@example.edu', 'No submission', '', '70'],
      ]),
    );
    run = grade(['--collect', download, '--class', klass, '--lms', 'moodle', '--roster', worksheet, '--only', 'l1']);
  });

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('collects every file submission, online texts passed over, and exits 0 with nothing refused', () => {
    expect(run.status, run.output).to.equal(0);
    expect(run.output).to.include('collected 2 submissions').and.include('(1 late), refused 0');
    expect(line(run.output, 'ignored Grace Hopper_503_assignsubmission_onlinetext: ')).to.include(
      'only the submitted zip',
    );
    expect(run.output).to.include('no submission from 2: Grace Hopper (503), Alan Turing (504)');
    const gradebook = rows(path.join(klass, 'gradebook.csv'));
    expect(gradebook.slice(1).map((r) => [r[0], r.at(-2), r.at(-1)])).to.deep.equal([
      ['Ada-Lovelace_501', '100%', '2 days 1 hour late'],
      ['José-Núñez_502', '100%', ''],
    ]);
  });

  it("writes Moodle's grading worksheet and its feedback-files zip, in the download's folder names", async () => {
    const worksheet = rows(path.join(klass, 'moodle.csv'));
    expect(worksheet.map((r) => [r[0], r[1], r[2]])).to.deep.equal([
      ['Identifier', 'Full name', 'Grade'],
      ['Participant 501', 'Ada Lovelace', worksheet[1]![3]],
      ['Participant 502', 'José Núñez', worksheet[2]![3]],
    ]);
    const zip = await yauzl.openPromise(path.join(klass, 'feedback', 'moodle-feedback.zip'), { lazyEntries: true });
    const names: string[] = [];
    for await (const e of zip.eachEntry()) names.push(e.fileName);
    expect(names).to.deep.equal([
      'Ada Lovelace_501_assignsubmission_file/feedback.md',
      'José Núñez_502_assignsubmission_file/feedback.md',
    ]);
  });
  it('reads the download from a folder it was unpacked into, one level down too, and says where none is', async () => {
    const unpacked = path.join(work, 'unpacked');
    const wrapped = path.join(unpacked, 'MP101-Mixed precision-42');
    fs.mkdirSync(path.join(wrapped, 'Ada Lovelace_501_assignsubmission_file'), { recursive: true });
    fs.writeFileSync(
      path.join(wrapped, 'Ada Lovelace_501_assignsubmission_file', 'exercises.zip'),
      zipBytes(entriesOf(SOLUTIONS)),
    );
    const collected = await collectClass(unpacked, path.join(work, 'again'), 'moodle');
    expect(collected.students.map((s) => s.key)).to.deep.equal(['Ada-Lovelace_501']);
    await collectClass(path.join(work, 'nowhere.zip'), path.join(work, 'again'), 'moodle').then(
      () => expect.fail('collected from nowhere'),
      (e: Error) =>
        expect(e.message).to.equal(
          `No download at ${path.join(work, 'nowhere.zip')}: give the LMS's download zip, or the folder it was unpacked into.`,
        ),
    );
  });
});

describe('a download with a name the disk cannot hold', function () {
  it("refuses only that entry, and collects everyone else's submission", async () => {
    const work = tempDir('long-name');
    const download = path.join(work, 'MP101-Mixed precision-42.zip');
    // Moodle limits a file name to 255 characters, not bytes: 90 Chinese characters are 270 bytes of UTF-8
    const long = `Bob Hostile_102_assignsubmission_file/${'提交'.repeat(45)}.zip`;
    writeZip(download, [
      { name: 'Ada Lovelace_101_assignsubmission_file/exercises.zip', data: zipBytes(entriesOf(SOLUTIONS)) },
      { name: long, data: zipBytes(entriesOf(SOLUTIONS)) },
    ]);
    try {
      const { students, refused } = await collectClass(download, path.join(work, 'class'), 'moodle');
      expect(students.map((s) => s.key)).to.deep.equal(['Ada-Lovelace_101']);
      const unwritable = refused.find((r) => r.file === long);
      expect(unwritable?.reason).to.match(/could not be unpacked \(ENAMETOOLONG/);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

/**
 * Whose file is whose under each LMS's download naming (Canvas's lib/content_zipper.rb, Moodle's
 * mod/assign/classes/downloader.php), the class lists each LMS exports, and what each LMS imports back.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as yauzl from 'yauzl';
import type { Report } from '../../src/quiz';
import { settingsChanges, type ClassSettings } from '../../src/quiz/class_settings';
import { parseCsv, toCsv } from '../../src/quiz/csv';
import { moodleFeedbackZip } from '../../src/quiz/feedback_export';
import { canvasCsv, feedbackLine, identify, moodleCsv, parseLms, type Student } from '../../src/quiz/lms';
import { latenessOf, readEnrolled } from '../../src/quiz/roster';
import { tempDir } from '../../scripts/quiz/submissions';

const report = (student: string, earned: number): Report => ({
  student,
  submission: `/class/${student}`,
  questions: [
    { id: 'l1.q1', title: 'formatLimits', kind: 'code', points: 4, earned: 4, cases: [] },
    { id: 'l1.q2', title: 'decodeFloat16', kind: 'code', points: 7, earned: earned - 4, cases: [] },
  ],
  loadFailures: [],
  earned,
  points: 11,
  gradedAt: '2025-03-01T09:30:00.123Z',
});

const student = (entry: string, folder: boolean, lms: 'canvas' | 'moodle' | 'none'): Student | string => {
  const found = identify(entry, folder, lms);
  return 'student' in found ? found.student : 'skip' in found ? `skip: ${found.skip}` : `reason: ${found.reason}`;
};

describe('LMS download names', () => {
  it("reads Canvas's names, late ones too (LATE, or late as older versions wrote it)", () => {
    expect(student('lovelaceada_101_9001_exercises.zip', false, 'canvas')).to.deep.equal({
      key: 'lovelaceada_101',
      name: 'lovelaceada',
      id: '101',
      file: 'lovelaceada_101_9001_exercises.zip',
    });
    expect(student('turingalan_LATE_102_9002_work_1.zip', false, 'canvas')).to.include({
      key: 'turingalan_102',
      id: '102',
      late: 'LATE',
    });
    expect(student('turingalan_late_102_9002_work.zip', false, 'canvas')).to.include({ late: 'late' });
  });

  it('keeps the Unicode letters Canvas keeps in names: accents, Chinese characters', () => {
    expect(student('núñezjosé_103_9003_exercises.zip', false, 'canvas')).to.include({
      key: 'núñezjosé_103',
      name: 'núñezjosé',
      id: '103',
    });
    expect(student('王小明_LATE_104_9004_作业.zip', false, 'canvas')).to.include({
      key: '王小明_104',
      id: '104',
      late: 'LATE',
    });
  });

  it("reads Canvas's anonymous-grading names, which carry an anonymous id and no user ID", () => {
    expect(student('anon_Xy7Qp_9005_exercises.zip', false, 'canvas')).to.deep.equal({
      key: 'anon_Xy7Qp',
      name: '',
      id: '',
      anonymousId: 'Xy7Qp',
      file: 'anon_Xy7Qp_9005_exercises.zip',
    });
    expect(student('LATE_anon_k3MNb_9006_2024_work.zip', false, 'canvas')).to.include({
      key: 'anon_k3MNb',
      late: 'LATE',
    });
  });

  it('refuses what Canvas does not name so, saying the form it expects', () => {
    expect(student('exercises.zip', false, 'canvas')).to.equal(
      'reason: the name is not a Canvas download name (<name>[_LATE]_<user id>_<attachment id>_<file>, or ' +
        '[LATE_]anon_<id>_<attachment id>_<file>)',
    );
    expect(student('lovelaceada_101_9001_exercises', true, 'canvas')).to.match(/^reason: a folder, but a Canvas/);
  });

  it("reads Moodle's default folder per student, its older flat names and blind marking's Participant", () => {
    expect(student('Ada Lovelace_501_assignsubmission_file', true, 'moodle')).to.deep.equal({
      key: 'Ada-Lovelace_501',
      name: 'Ada Lovelace',
      id: '501',
      file: 'Ada Lovelace_501_assignsubmission_file',
    });
    expect(student('Ada Lovelace_501_assignsubmission_file_', true, 'moodle')).to.include({ id: '501' });
    expect(student('José Núñez_77_assignsubmission_file_a_b.zip', false, 'moodle')).to.include({
      key: 'José-Núñez_77',
      name: 'José Núñez',
    });
    expect(student('Participant_9912_assignsubmission_file', true, 'moodle')).to.include({ key: 'Participant_9912' });
    expect(student('Ada Lovelace_501_assignsubmission_onlinetext', true, 'moodle')).to.equal(
      'skip: onlinetext is not a file submission: only the submitted zip is graded',
    );
    expect(student('Ada Lovelace_501_assignsubmission_file', false, 'moodle')).to.match(/^reason: the name is not/);
  });

  it('names the student after the file without an LMS, and lists the valid LMS names for an unknown one', () => {
    expect(student('ada.zip', false, 'none')).to.include({ key: 'ada', id: '' });
    expect(student('notes.txt', false, 'none')).to.equal('reason: not a zip file');
    expect(student('feedback.zip', false, 'none')).to.match(/^reason: 'feedback' is the name of the grader's own/);
    expect(() => parseLms('blackboard')).to.throw('Unknown LMS "blackboard": use one of canvas, moodle, none.');
  });
});

describe('LMS class lists', () => {
  const dir = tempDir('rosters');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads Canvas's gradebook export: a student per row with a numeric ID, the Points Possible row left out", () => {
    const file = path.join(dir, 'canvas.csv');
    fs.writeFileSync(
      file,
      '\uFEFFStudent,ID,SIS User ID,SIS Login ID,Section,Mixed precision (77)\n' +
        '    Points Possible,,,,,70\n"Lovelace, Ada",101,,,,\n"Núñez, José",103,,,,\n',
    );
    expect(readEnrolled(file, 'canvas')).to.deep.equal([
      { id: '101', name: 'Lovelace, Ada' },
      { id: '103', name: 'Núñez, José' },
    ]);
  });

  it("reads Moodle's grading worksheet, lateness from its Status", () => {
    const file = path.join(dir, 'moodle.csv');
    fs.writeFileSync(
      file,
      toCsv([
        ['Identifier', 'Full name', 'Email address', 'Status', 'Grade'],
        ['Participant 501', 'Ada Lovelace', 'ada@example.edu', 'Submitted for grading - 1 day 2 hours late', ''],
        ['Participant 502', 'Alan Turing', 'alan@example.edu', 'No submission', ''],
      ]),
    );
    expect(readEnrolled(file, 'moodle')).to.deep.equal([
      { id: '501', name: 'Ada Lovelace', late: '1 day 2 hours late' },
      { id: '502', name: 'Alan Turing' },
    ]);
    expect(latenessOf('Submitted for grading - 3 mins late - Graded')).to.equal('3 mins late');
    expect(latenessOf('Submitted for grading - Graded')).to.equal(undefined);
  });

  it('refuses a file that is not the class list, naming the columns it needs', () => {
    const file = path.join(dir, 'other.csv');
    fs.writeFileSync(file, 'name,email\nAda,ada@example.edu\n');
    expect(() => readEnrolled(file, 'moodle')).to.throw(
      `${file} is not Moodle's grading worksheet: it needs the columns Identifier, Full name, Status. Received: name, email.`,
    );
  });
});

describe('LMS imports and feedback', () => {
  const roster: Student[] = [
    { key: 'lovelaceada_101', name: 'lovelaceada', id: '101', file: 'a.zip' },
    { key: 'anon_Xy7Qp', name: '', id: '', anonymousId: 'Xy7Qp', file: 'b.zip' },
    { key: 'Ada-Lovelace_1234', name: 'Ada Lovelace', id: '1234', file: 'c' },
  ];

  it('writes the Canvas gradebook import: the five identity columns, points possible, the total', () => {
    const reports = [report('lovelaceada_101', 9), report('nobody', 3), report('anon_Xy7Qp', 5)];
    expect(canvasCsv(reports, roster, 'Mixed precision (77)')).to.equal(
      'Student,ID,SIS User ID,SIS Login ID,Section,Mixed precision (77)\n' +
        'Points Possible,,,,,11\n' +
        'lovelaceada,101,,,,9\n',
    );
  });

  it("writes Moodle's grading worksheet: Identifier, Grade, Last modified (grade), Feedback comments", () => {
    expect(moodleCsv([report('Ada-Lovelace_1234', 9)], roster)).to.equal(
      'Identifier,Full name,Grade,Maximum Grade,Last modified (grade),Feedback comments\n' +
        'Participant 1234,Ada Lovelace,9,11,2025-03-01T09:30:00Z,9/11; l1.q2 5/7\n',
    );
    expect(feedbackLine({ ...report('x', 4), loadFailures: [{ file: 'lesson1/index.ts', message: '' }] })).to.equal(
      '4/11; lesson1/index.ts did not load; l1.q2 0/7',
    );
  });

  it("writes Moodle's feedback-files zip in folders named as its download names them", async () => {
    const file = path.join(tempDir('feedback'), 'moodle-feedback.zip');
    fs.writeFileSync(file, moodleFeedbackZip([report('Ada-Lovelace_1234', 9)], roster));
    const zip = await yauzl.openPromise(file, { lazyEntries: true });
    const names: string[] = [];
    for await (const e of zip.eachEntry()) names.push(e.fileName);
    expect(names).to.deep.equal(['Ada Lovelace_1234_assignsubmission_file/feedback.md']);
  });

  it('warns of every change since the last grading that an LMS import would notice', () => {
    const before: ClassSettings = { lms: 'canvas', assignment: 'MP (77)', points: 70, questions: ['l1.q1', 'l1.q2'] };
    expect(settingsChanges(before, before)).to.deep.equal([]);
    expect(
      settingsChanges(before, { ...before, assignment: 'Mixed', points: 69, questions: ['l1.q1', 'l1.q3'] }),
    ).to.deep.equal([
      'the Canvas column changes from "MP (77)" to "Mixed": importing canvas.csv would make a new assignment ' +
        '(pass --assignment "MP (77)" to keep it)',
      "the maximum changes from 70 to 69 points: set the LMS assignment's maximum to 69 before importing",
      'the questions changed since the last grading (added l1.q3; removed l1.q2)',
    ]);
  });
});

describe('CSV', () => {
  it('round-trips cells with commas, quotes and line breaks, and reads a byte-order mark and CRLF', () => {
    const rows = [
      ['a', 'b, c'],
      ['say "hi"', 'two\nlines'],
    ];
    expect(parseCsv(toCsv(rows))).to.deep.equal(rows);
    expect(parseCsv('\uFEFFx,y\r\n1,2\r\n\r\n')).to.deep.equal([
      ['x', 'y'],
      ['1', '2'],
    ]);
  });
});

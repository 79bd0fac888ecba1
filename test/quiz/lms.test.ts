/** Whose file is whose under each LMS's download naming, and the grade-import files each LMS reads. */
import { expect } from 'chai';
import type { Report } from '../../src/quiz';
import { canvasCsv, feedbackLine, identify, moodleCsv, parseLms, type Student } from '../../src/quiz/lms';

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

describe('LMS names and imports', () => {
  it('reads Canvas download names, late ones too', () => {
    expect(identify('lovelaceada_101_9001_exercises.zip', 'canvas')).to.deep.equal({
      key: 'lovelaceada_101',
      name: 'lovelaceada',
      id: '101',
      file: 'lovelaceada_101_9001_exercises.zip',
    });
    expect(identify('turingalan_LATE_102_9002_work-1.zip', 'canvas')).to.include({ key: 'turingalan_102', id: '102' });
    expect(identify('exercises.zip', 'canvas')).to.deep.equal({
      reason: 'the name is not a canvas submission name (<name>[_late]_<user id>_<submission id>_<file>.zip)',
    });
  });

  it('reads Moodle download names, with spaces and accents in the full name', () => {
    expect(identify('Ada Lovelace_1234_assignsubmission_file_exercises.zip', 'moodle')).to.include({
      key: 'Ada-Lovelace_1234',
      name: 'Ada Lovelace',
      id: '1234',
    });
    expect(identify('José Núñez_77_assignsubmission_file_a_b.zip', 'moodle')).to.include({
      key: 'Jose-Nunez_77',
      name: 'José Núñez',
    });
  });

  it('names the student after the file without an LMS, and the valid LMS names for an unknown one', () => {
    expect(identify('ada.zip', 'none')).to.include({ key: 'ada', id: '' });
    expect(() => parseLms('blackboard')).to.throw('Unknown LMS "blackboard": use one of canvas, moodle, none.');
  });

  const roster: Student[] = [
    { key: 'lovelaceada_101', name: 'lovelaceada', id: '101', file: 'a.zip' },
    { key: 'Ada-Lovelace_1234', name: 'Ada Lovelace', id: '1234', file: 'b.zip' },
  ];

  it('writes the Canvas gradebook import: the five identity columns, points possible, the total', () => {
    expect(canvasCsv([report('lovelaceada_101', 9), report('nobody', 3)], roster, 'Mixed precision (77)')).to.equal(
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
});

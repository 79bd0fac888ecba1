/** A student's view of a report (npm run grade): by lesson, a lesson not begun in one line, then what failed. */
import { expect } from 'chai';
import type { CaseResult, QuestionResult, Report } from '../../src/quiz';
import type { CaseState } from '../../src/quiz/verdict';
import { questionIds } from '../../src/quiz/bank';
import { formatTable } from '../../src/quiz/report';
import { readSubmission } from '../../src/quiz/stage';
import { typeWarnings } from '../../src/quiz/typecheck';
import { SOLUTIONS } from '../../scripts/quiz/submissions';

/** The states a report tells apart by more than their words (verdict.ts sets them). */
const STATES: Record<string, CaseState> = { 'not implemented yet': 'not-implemented', 'no answer given': 'unanswered' };

const result = (id: string, title: string, cases: [number, string][]): QuestionResult => {
  const results: CaseResult[] = cases.map(([points, message], i) => ({
    name: `case ${i + 1}`,
    points,
    earned: message === 'correct' ? points : 0,
    passed: message === 'correct',
    hidden: false,
    message,
    ...(STATES[message] ? { state: STATES[message] } : {}),
  }));
  const kind = id.includes('.c') ? 'numeric' : 'code';
  const points = cases.reduce((s, [p]) => s + p, 0);
  return { id, title, kind, points, earned: results.reduce((s, c) => s + c.earned, 0), cases: results };
};

const report = (questions: QuestionResult[]): Report => ({
  student: 'ada',
  submission: '/ada',
  questions,
  loadFailures: [],
  earned: questions.reduce((s, q) => s + q.earned, 0),
  points: questions.reduce((s, q) => s + q.points, 0),
  gradedAt: '2025-03-01T09:30:00.000Z',
});

describe("a student's report (npm run grade)", () => {
  it('shows the lessons begun question by question, a lesson not begun as one line, then what failed', () => {
    const text = formatTable(
      report([
        result('l1.q1', 'Limits', [
          [2, 'correct'],
          [2, 'correct'],
        ]),
        result('l1.q2', 'Decode', [
          [1, 'correct'],
          [1, 'expected -0, got 0'],
        ]),
        result('l1.q3', 'Bytes', [[2, 'not implemented yet']]),
        result('l1.c1', 'Largest float16?', [[1, 'no answer given']]),
        result('l2.q1', 'Qparams', [[3, 'not implemented yet']]),
        result('l2.c1', 'Which method?', [[1, 'no answer given']]),
      ]),
      { hiddenPoints: 5 },
    );
    expect(text.split('\n')).to.deep.equal([
      'ada: 5/13 (38%)',
      'Hidden cases worth 5 more points are graded after you submit (npm run submit).',
      '',
      'lesson 1: 5/9',
      '  l1.q1  Limits            4/4  ok',
      '  l1.q2  Decode            1/2  partial',
      '  l1.q3  Bytes             0/2  not started',
      '  l1.c1  Largest float16?  0/1  no answer',
      'lesson 2: not started (0/4)',
      '',
      'Failed:',
      '  l1.q2 case 2: expected -0, got 0',
    ]);
  });
});

describe('what a student asks of npm run grade', function () {
  this.timeout(60_000);

  it('takes a lesson for --only, and names the questions and lessons there are for an unknown one', () => {
    expect(questionIds('l3')).to.deep.equal(['l3.q1', 'l3.q2', 'l3.q3', 'l3.c1']);
    expect(questionIds('l1.q1,l6')).to.deep.equal(['l1.q1', 'l6.q1', 'l6.q2', 'l6.q3', 'l6.c1', 'l6.c2']);
    expect(() => questionIds('l9')).to.throw(
      /^Unknown question "l9"\. Questions: l1\.q1, .*; or a whole lesson: l1, l2, l3, l4, l5, l6\.$/,
    );
  });

  it('reports type errors as warnings with file and line, wherever the submission lies', () => {
    const files = readSubmission(SOLUTIONS);
    expect(typeWarnings(files)).to.deep.equal([]);
    const source = files.get('lesson1/index.ts')!;
    const line = source.split('\n').findIndex((l) => l.startsWith('export function storageBytes')) + 2;
    files.set(
      'lesson1/index.ts',
      source.replace('// BEGIN SOLUTION l1.q3', "const unit: number = 'bytes';\n  void unit;"),
    );
    expect(typeWarnings(files)).to.deep.equal([
      `lesson1/index.ts:${line}:9 Type 'string' is not assignable to type 'number'. (TS2322)`,
    ]);
  });
});

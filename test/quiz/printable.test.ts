/**
 * What the grader writes from a submission is inert: no CSV cell runs as a spreadsheet formula.
 */
import { expect } from 'chai';
import { parseCsv, toCsv } from '../../src/quiz/csv';

describe('text from a submission, printed or written', function () {
  this.timeout(120_000);

  it('defuses CSV cells a spreadsheet would run as formulas, and leaves numbers and plain text alone', () => {
    const csv = toCsv([['=HYPERLINK("http://evil.example","x")', '+1', '-2', '@SUM(A1)', '\t=1', 'Ada', -3, 2.5]]);
    expect(parseCsv(csv)[0]).to.deep.equal([
      `'=HYPERLINK("http://evil.example","x")`,
      "'+1",
      "'-2",
      "'@SUM(A1)",
      "'\t=1",
      'Ada',
      '-3',
      '2.5',
    ]);
  });
});

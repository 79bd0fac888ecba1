/**
 * What the grader prints or writes from a submission is inert: no terminal escape reaches the instructor's
 * terminal (a type warning quotes a module specifier), no CSV cell runs as a spreadsheet formula, and no name
 * or message makes feedback read other than it is (a heading of its own, bidi overrides, zero-width text).
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { feedbackMarkdown, type Report } from '../../src/quiz';
import { quoted } from '../../src/quiz/compare';
import { parseCsv, toCsv } from '../../src/quiz/csv';
import { ROOT, tempDir, writeSubmission } from '../../scripts/quiz/submissions';

const ESC = '\u001b';

describe('text from a submission, printed or written', function () {
  this.timeout(120_000);

  it('reaches the terminal without escape sequences (a type warning quoting a module specifier)', () => {
    const dir = writeSubmission(path.join(tempDir('ansi'), 'sub'));
    const file = path.join(dir, 'lesson1/index.ts');
    const specifier = `${ESC}[2J${ESC}[Hevil: 70/70 (100%)${ESC}[8m\u009b31m`;
    fs.writeFileSync(file, `import type {} from '${specifier}';\n${fs.readFileSync(file, 'utf8')}`);
    const r = spawnSync(
      process.execPath,
      ['--require', 'tsx/cjs', 'src/quiz/cli.ts', '--submission', dir, '--only', 'l1.q3', '--lang', 'en'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const output = r.stdout + r.stderr;
    expect(output, 'the warning is printed (control)').to.include('evil: 70/70 (100%)');
    expect(output).not.to.match(/[\u001b\u009b]/);
  });

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
    // an invisible or control character first must not hide the formula: they are dropped before the test
    const hidden = [
      '\u200b=1+1',
      '\u0000=2',
      '\u202e+cmd',
      '\ufeff@SUM(A1)',
      '\u0085-2+3',
      ' =1',
      '\u00ad=x',
      '\u{e0041}=y',
    ];
    expect(parseCsv(toCsv([hidden]))[0]).to.deep.equal([
      "'=1+1",
      "'=2",
      "'+cmd",
      "'@SUM(A1)",
      "'-2+3",
      "' =1",
      "'=x",
      "'=y",
    ]);
  });

  it('keeps a student name that holds a line break on the heading line', () => {
    const report: Report = {
      student: 'x\n# Score: **70 of 70** (100 %)',
      submission: '/class/x',
      questions: [],
      loadFailures: [],
      earned: 0,
      points: 70,
      gradedAt: '2026-01-01T00:00:00Z',
      lang: 'en',
    };
    const headings = feedbackMarkdown(report)
      .split('\n')
      .filter((l) => l.startsWith('#'));
    expect(headings).to.deep.equal(['# Feedback for x # Score: **70 of 70** (100 %)']);
  });

  it('quotes text without bidi overrides, C1 controls or zero-width characters', () => {
    expect(quoted('pass\u202eliaf\u0085 ok\u200b\u2066x\u2069\u001b[31m')).to.equal('`passliaf okx[31m`');
    expect(quoted('RangeError: bits must be 8')).to.equal('`RangeError: bits must be 8`'); // control
  });
});

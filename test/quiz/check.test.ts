import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import * as exercises from '../../exercises/lesson1/index';
import * as solutions from '../../solutions/lesson1/index';
import { roundValue } from '../../src/mp/index';
import { check, checkResult, renderHtml, summary } from '../../src/quiz';
import { EXERCISES, tempDir } from '../../scripts/quiz/submissions';

/** l1.q1's limits of an IEEE-style format, self-contained (the sandbox runs it alone). */
function limitsOf(expBits: number, manBits: number) {
  const bias = 2 ** (expBits - 1) - 1;
  const maxExp = 2 ** expBits - 2 - bias;
  return {
    maxFinite: (2 - 2 ** -manBits) * 2 ** maxExp,
    minNormal: 2 ** (1 - bias),
    minSubnormal: 2 ** (1 - bias - manBits),
    epsilon: 2 ** -manBits,
  };
}

describe('check() in a notebook', function () {
  this.timeout(120_000);

  it('grades a function and returns the points', async () => {
    const right = await checkResult('l1.q1', limitsOf);
    expect(right.earned).to.equal(right.points).and.equal(5);
    // float16's bias for every format: right for the two formats with 5 exponent bits only
    const wrong = await checkResult('l1.q1', (expBits: number, manBits: number) => {
      const maxExp = 2 ** expBits - 2 - 15;
      return {
        maxFinite: (2 - 2 ** -manBits) * 2 ** maxExp,
        minNormal: 2 ** -14,
        minSubnormal: 2 ** (-14 - manBits),
        epsilon: 2 ** -manBits,
      };
    });
    expect(wrong.earned).to.equal(2);
    expect(wrong.cases[1]!.message).to.match(/^expected 3\.389\d*e\+38 \(max bfloat16\), got .* in field 'maxFinite'$/);
  });

  it('runs an exercise file’s function from its file, as grading does', async () => {
    const r = await checkResult('l1.q2', solutions.decodeFloat);
    expect([r.earned, r.points]).to.deep.equal([9, 9]);
  });

  it('reports a synchronous infinite loop as a timeout, and the next call works', async () => {
    const loop = await checkResult(
      'l1.q1',
      () => {
        for (;;);
      },
      { timeoutMs: 300 },
    );
    // a timeout says nothing of which mistake it was: no hint
    // after two of its cases ran out of time a function is not called again: a hang costs two limits, not five
    expect(loop.cases.map((c) => c.message)).to.deep.equal([
      ...new Array(2).fill('did not finish within 300 ms of CPU time (an infinite loop?)'),
      ...new Array(3).fill('not run: two earlier cases of this function ran out of time, so it was not called again'),
    ]);
    expect((await checkResult('l1.q1', limitsOf)).earned).to.equal(5);
  });

  it('runs a cell’s self-contained function in the sandbox, where what its question does not allow is absent', async () => {
    const r = await checkResult('l3.q1', (x: number) => require('../../src/mp').roundValue(x, 'float16'));
    expect(r.problem).to.match(/^l3.q1 uses `roundValue`, which this exercise does not allow/);
    expect(r.note).to.equal(undefined);
  });

  it('says plainly that a function using notebook state ran unchecked, on the public cases only', async () => {
    const r = await checkResult('l3.q1', (x: number) => roundValue(x, 'float16'));
    expect(r.note).to.match(/^UNCHECKED: this function uses notebook state, so it ran in the notebook’s own process/);
    expect([r.earned, r.points, r.cases.length]).to.deep.equal([3, 3, 3]);
    expect(summary(r)).to.match(/^l3.q1 Round to float16 yourself: 3\/3, all correct \(UNCHECKED: /);
  });

  it('says "not done yet" for a stub and "not answered yet" for a missing answer', async () => {
    expect((await checkResult('l1.q1', exercises.formatLimits)).problem).to.match(/^not done yet/);
    expect((await checkResult('l1.c2', null)).cases[0]!.message).to.equal('not answered yet');
  });

  it('shows a choice question’s choices until it is answered right, and takes a letter or a choice’s text', async () => {
    const open = await checkResult('l4.c1', null);
    expect(open.cases[0]!.message).to.equal('answer with one letter (a, b, c, d) in exercises/answers.json');
    expect(open.choices).to.have.length(4);
    expect(open.choices![0]).to.equal('a) autocast puts add on its float32 list');
    expect(renderHtml(open.title, open)).to.include('<li>a) autocast puts add on its float32 list</li>');
    const zh = await checkResult('l2.c1', 'e', { lang: 'zh' });
    expect(zh.cases[0]!.message).to.equal('不是选项之一：请用一个字母（a, b, c, d）作答');
    expect(zh.choices![0]).to.equal('a) 2.996');
    for (const answer of ['c', 'C)', '3.0']) {
      const r = await checkResult('l2.c1', answer);
      expect([r.earned, r.choices], answer).to.deep.equal([2, undefined]);
    }
    expect((await checkResult('l2.c1', 'a')).cases[0]!.message).to.equal('not the expected answer');
  });

  it('grades concept answers, and never throws', async () => {
    expect((await checkResult('l1.c2', 7.5625)).earned).to.equal(3);
    expect((await checkResult('l1.q1', 42)).problem).to.match(/needs a function/);
    expect((await checkResult('l9.q9', 1)).problem).to.match(/Unknown question "l9.q9". Questions: l1.q1, /);
  });

  it('reads exercises/answers.json itself, every time: an edited answer is graded without a restart', async () => {
    const course = tempDir('course');
    fs.cpSync(EXERCISES, path.join(course, 'exercises'), { recursive: true });
    const answers = path.join(course, 'exercises/answers.json');
    const cwd = process.cwd();
    process.chdir(course);
    try {
      expect((await checkResult('l1.c2')).cases[0]!.message).to.equal('not answered yet');
      fs.writeFileSync(answers, JSON.stringify({ 'l1.c2': 7.5625 }));
      expect((await checkResult('l1.c2')).earned).to.equal(3);
      fs.writeFileSync(answers, '{ "l1.c2": 7.5625,');
      expect((await checkResult('l1.c2')).problem).to.match(/^could not read .*answers.json: `.*JSON.*`$/);
      // a code question by its id alone: the exercise file as saved now
      expect((await checkResult('l1.q1')).problem).to.match(/^not done yet/);
      const lesson1 = path.join(course, 'exercises/lesson1/index.ts');
      fs.writeFileSync(
        lesson1,
        fs
          .readFileSync(lesson1, 'utf8')
          .replace("throw new NotImplementedError('l1.q1');", `return (${limitsOf.toString()})(expBits, manBits);`),
      );
      expect((await checkResult('l1.q1')).earned).to.equal(5);
    } finally {
      process.chdir(cwd);
    }
  });

  it('shows its result once in a notebook: one table, and no value for the cell to print', async () => {
    const tslab = require.resolve('tslab');
    const shown: string[] = [];
    const saved = require.cache[tslab];
    require.cache[tslab] = { exports: { display: { html: (s: string) => shown.push(s) } } } as unknown as NodeJS.Module;
    (globalThis as Record<string, unknown>).__tslab__ = {};
    try {
      expect(await check('l1.c2', 7.5625)).to.equal(undefined);
      expect(shown).to.have.length(1);
      expect(shown[0]).to.match(/^<div><b>l1.c2 A weight is kept in bfloat16 .*: 3\/3<\/b>/);
    } finally {
      delete (globalThis as Record<string, unknown>).__tslab__;
      if (saved) require.cache[tslab] = saved;
      else delete require.cache[tslab];
    }
  });

  it('prints a summary line and its cases elsewhere, and renders an HTML table', async () => {
    const printed: string[] = [];
    const log = console.log;
    console.log = (s: string) => void printed.push(s);
    try {
      await check('l1.q1', () => new Promise(() => {}), { timeoutMs: 50 });
    } finally {
      console.log = log;
    }
    expect(printed).to.have.length(1);
    expect(printed[0]!.split('\n')[0]).to.equal(
      "l1.q1 A format's limits from its exponent and mantissa bits: 0/5, 5 cases failed",
    );
    expect(printed[0]).to.match(/waited 1.0 s without computing/);
    const r = await checkResult('l1.q1', () => 1, { timeoutMs: 50 });
    expect(renderHtml('t', r)).to.match(/^<div><b>l1.q1 t: 0\/5<\/b><table>/);
  });
});

import { inspect } from 'util';
import { expect } from 'chai';
import * as exercises from '../../exercises/lesson1/index';
import * as solutions from '../../solutions/lesson1/index';
import { check, renderHtml } from '../../src/quiz';

describe('check() in a notebook', function () {
  this.timeout(60_000);

  it('grades a function and returns the points', async () => {
    const right = await check('l1.q3', (count: number, bits: number) => Math.ceil((count * bits) / 8));
    expect(right.earned).to.equal(right.points).and.equal(4);
    const wrong = await check('l1.q3', (count: number, bits: number) => (count * bits) / 8);
    expect(wrong.earned).to.equal(2);
    expect(wrong.cases[1]!.message).to.match(/^expected 2, got 1.5/);
  });

  it('runs an exercise file’s function from its file, as grading does', async () => {
    const r = await check('l1.q2', solutions.decodeFloat16);
    expect([r.earned, r.points, r.note]).to.deep.equal([7, 7, undefined]);
  });

  it('reports a synchronous infinite loop as a timeout of its limit, and the next call works', async () => {
    const loop = await check(
      'l1.q3',
      () => {
        for (;;);
      },
      300,
    );
    expect(loop.cases.map((c) => c.message.slice(0, 34))).to.deep.equal(
      new Array(4).fill('did not finish within 300 ms (an i'),
    );
    expect((await check('l1.q3', (n: number, b: number) => Math.ceil((n * b) / 8))).earned).to.equal(4);
  });

  it('says when a function needs notebook state and ran in the notebook process', async () => {
    const eight = 8;
    const r = await check('l1.q3', (count: number, bits: number) => Math.ceil((count * bits) / eight));
    expect(r.earned).to.equal(4);
    expect(r.note).to.match(/uses notebook state, so it ran in the notebook process/);
  });

  it('says "not done yet" for a stub and "not answered yet" for a missing answer', async () => {
    expect((await check('l1.q1', exercises.formatLimits)).problem).to.match(/^not done yet/);
    expect((await check('l1.c1', null)).cases[0]!.message).to.equal('not answered yet');
  });

  it('grades concept answers, and never throws', async () => {
    expect((await check('l1.c1', 65504)).earned).to.equal(1);
    expect((await check('l1.q1', 42)).problem).to.match(/needs a function/);
    expect((await check('l9.q9', 1)).problem).to.match(/Unknown question "l9.q9". Questions: l1.q1, /);
  });

  it('prints as one line, and renders an HTML table', async () => {
    const r = await check('l1.q3', () => new Promise(() => {}), 50);
    expect(inspect(r)).to.equal('l1.q3 Bytes to store values in a packed format: 0/4, 4 cases failed');
    expect(r.cases[0]!.message).to.match(/did not finish within 50 ms/);
    expect(renderHtml('t', r)).to.match(/^<div><b>l1.q3 t: 0\/4<\/b><table>/);
  });
});

import { expect } from 'chai';
import { check, renderHtml } from '../../src/quiz';

describe('check() in a notebook', () => {
  it('grades a function in process and returns the points', async () => {
    const right = await check('l1.q3', (count: number, bits: number) => Math.ceil((count * bits) / 8));
    expect(right.earned).to.equal(right.points).and.equal(4);
    const wrong = await check('l1.q3', (count: number, bits: number) => (count * bits) / 8);
    expect(wrong.earned).to.equal(2);
    expect(wrong.cases[1]!.message).to.match(/^expected 2, got 1.5/);
  });

  it('grades concept answers, and says so when a function is missing', async () => {
    expect((await check('l1.c1', 65504)).earned).to.equal(1);
    expect((await check('l1.q1', 42)).cases[0]!.message).to.match(/needs a function/);
  });

  it('times out asynchronous work and renders an HTML table', async () => {
    const r = await check('l1.q3', () => new Promise(() => {}), 50);
    expect(r.cases[0]!.message).to.match(/did not finish within 50 ms/);
    expect(renderHtml('t', r)).to.match(/^<div><b>l1.q3 t: 0\/4<\/b><table>/);
  });
});

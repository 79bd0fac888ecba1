import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { FormatError, OptionError, roundValue } from '../../../src/mp';
import { partialSums, sumInFormat } from '../../../src/mp/numerics/summation';

const f16 = (x: number): number => roundValue(x, 'float16');
const many = (n: number, v: number): number[] => [1, ...new Array<number>(n).fill(v)];

describe('sumInFormat', () => {
  it('naive float16 summation swamps addends below half an ulp of the sum', () => {
    // ulp(1) = 2^-10 in float16: 1e-4 < 2^-11 is lost at every step
    expect(sumInFormat(many(1000, 1e-4), 'float16')).to.equal(1);
    // bfloat16: ulp(1) = 2^-7, so 2^-9 is lost too, but 2^-7 is kept
    expect(sumInFormat(many(100, 2 ** -9), 'bfloat16')).to.equal(1);
    expect(sumInFormat([1, 2 ** -7], 'bfloat16')).to.equal(1 + 2 ** -7);
  });

  it('Kahan summation in float16 recovers the swamped addends, as a float32 accumulator does', () => {
    const x = many(1000, 1e-4);
    const exact = f16(x.reduce((s, v) => s + f16(v), 0));
    const kahan = sumInFormat(x, 'float16', { method: 'kahan' });
    expect(Math.abs(kahan - exact)).to.be.at.most(2 * 2 ** -10);
    expect(f16(sumInFormat(x, 'float16', { accumulator: 'float32' }))).to.equal(exact);
  });

  it('agrees with a step-by-step Kahan loop written with roundValue', () => {
    const rand = seedrandom.alea('kahan');
    const x = Array.from({ length: 500 }, () => rand() * 3 - 1);
    let sum = 0;
    let c = 0;
    for (const v of x) {
      const y = f16(f16(v) - c);
      const t = f16(sum + y);
      c = f16(f16(t - sum) - y);
      sum = t;
    }
    expect(sumInFormat(x, 'float16', { method: 'kahan' })).to.equal(sum);
  });

  it('pairwise summation adds a balanced tree, the odd value moving up', () => {
    expect(sumInFormat([1, 2, 3, 4, 5], 'float16', { method: 'pairwise' })).to.equal(15);
    expect(sumInFormat([], 'float16', { method: 'pairwise' })).to.equal(0);
    // 2048 + 1 loses the 1 naively; pairwise adds the ones first
    expect(sumInFormat([2048, 1, 1], 'float16')).to.equal(2048);
    expect(sumInFormat([1, 1, 2048], 'float16', { method: 'pairwise' })).to.equal(2050);
  });

  it('overflows to infinity in float16 and not in bfloat16', () => {
    expect(sumInFormat([60000, 10000], 'float16')).to.equal(Infinity);
    const bf = (v: number): number => roundValue(v, 'bfloat16');
    expect(sumInFormat([60000, 10000], 'bfloat16')).to.equal(bf(bf(60000) + bf(10000))); // inputs are rounded first
  });

  it('rejects bad input with typed errors', () => {
    expect(() => sumInFormat([1], 'float16', { method: 'fast' as never })).to.throw(OptionError, /naive/);
    expect(() => sumInFormat([1], 'float16', { order: 1 } as never)).to.throw(OptionError);
    expect(() => sumInFormat('12' as never, 'float16')).to.throw(OptionError);
    expect(() => sumInFormat([1, '2'] as never, 'float16')).to.throw(OptionError);
    expect(() => sumInFormat([1], 'int8')).to.throw(FormatError);
    expect(() => sumInFormat([1], 'float16', { accumulator: 'float15' })).to.throw(FormatError);
  });
});

describe('partialSums', () => {
  const rand = seedrandom.alea('partial');
  const x = Float32Array.from({ length: 4096 }, () => rand());
  const counts = [16, 256, 4096];

  it('gives the sum of each prefix, equal to sumInFormat of that prefix', () => {
    for (const method of ['naive', 'kahan', 'pairwise'] as const) {
      const p = partialSums(x, 'float16', counts, { method });
      counts.forEach((n, k) => expect(p.sums[k]).to.equal(sumInFormat(x.subarray(0, n), 'float16', { method })));
      expect([p.format, p.accumulator, p.method]).to.deep.equal(['float16', 'float16', method]);
    }
  });

  it('shows naive float16 error growing with n while Kahan and a float32 accumulator stay small', () => {
    const naive = partialSums(x, 'float16', counts).relativeError;
    const kahan = partialSums(x, 'float16', counts, { method: 'kahan' }).relativeError;
    const wide = partialSums(x, 'float16', counts, { accumulator: 'float32' }).relativeError;
    expect(naive[2]).to.be.above(10 * naive[0]!);
    expect(naive[2]).to.be.above(5e-3);
    for (const e of kahan) expect(e).to.be.at.most(2 ** -10);
    for (const e of wide) expect(e).to.be.at.most(1e-5);
  });

  it('rejects counts that are not increasing integers within the values', () => {
    expect(() => partialSums(x, 'float16', [])).to.throw(OptionError);
    expect(() => partialSums(x, 'float16', [10, 5])).to.throw(OptionError);
    expect(() => partialSums(x, 'float16', [5000])).to.throw(OptionError);
    expect(() => partialSums(x, 'float16', [1.5])).to.throw(OptionError);
  });
});

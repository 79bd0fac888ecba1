/** McNemar's exact test and the sign-flip test, on counts that can be checked by hand. */
import { expect } from 'chai';
import { mcnemarTest, OptionError, signFlipTest } from '../../../src/course/index';

/** Score vectors with `both` images right for both, `a` right only for the first, `b` only for the second. */
function scores(both: number, a: number, b: number, neither = 0): [number[], number[]] {
  const first = [...Array(both + a).fill(1), ...Array(b + neither).fill(0)];
  const second = [...Array(both).fill(1), ...Array(a).fill(0), ...Array(b).fill(1), ...Array(neither).fill(0)];
  return [first, second];
}

describe('mcnemarTest', () => {
  it('counts the disagreements and the accuracies', () => {
    const t = mcnemarTest(...scores(90, 6, 2, 2), ['A', 'B']);
    expect([t.n, t.onlyFirst, t.onlySecond]).to.deep.equal([100, 6, 2]);
    expect(t.accuracy).to.deep.equal([0.96, 0.92]);
  });

  it('gives the exact two-sided binomial p-value: 6 against 2 is 2·P(X ≤ 2 | 8, ½) = 2·37/256', () => {
    expect(mcnemarTest(...scores(90, 6, 2)).pValue).to.be.closeTo((2 * 37) / 256, 1e-12);
  });

  it('gives p = 1 for an even split and for no disagreement at all', () => {
    expect(mcnemarTest(...scores(50, 7, 7)).pValue).to.equal(1);
    expect(mcnemarTest(...scores(50, 0, 0)).pValue).to.equal(1);
  });

  it('finds 60 against 20 significant (p ≈ 6e-6) and names the better one', () => {
    const t = mcnemarTest(...scores(900, 20, 60), ['float32', 'bfloat16']);
    expect(t.pValue).to.be.below(1e-4).and.above(1e-7);
    expect(t.significant).to.equal(true);
    expect(t.sentence).to.match(
      /these two networks differ at the 5 % level: bfloat16 gets more of the disputed images right/,
    );
  });

  it('says "no evidence" when the split is what a fair coin gives', () => {
    const t = mcnemarTest(...scores(9000, 45, 39), ['float32', 'mixed_float16']);
    expect(t.significant).to.equal(false);
    expect(t.sentence).to.match(
      /^float32 and mixed_float16 disagree on 84 of 9 084 images .*no evidence that these two networks differ/,
    );
  });

  it('stays finite for thousands of disagreements', () => {
    const t = mcnemarTest(...scores(0, 3000, 3100));
    expect(t.pValue).to.be.within(0.1, 0.3);
  });

  it('rejects vectors of different lengths, non-0/1 scores and a bad alpha', () => {
    expect(() => mcnemarTest([1, 0], [1])).to.throw(OptionError, /same images/);
    expect(() => mcnemarTest([1, 2], [1, 0])).to.throw(OptionError, /Received: 2 at index 1/);
    expect(() => mcnemarTest([1], [1], ['a', 'b'], 1.5)).to.throw(OptionError, /alpha/);
  });
});

describe('signFlipTest', () => {
  it('gives 2/2^n when every difference has the same sign', () => {
    const t = signFlipTest([0.1, 0.2, 0.15, 0.3, 0.1, 0.2, 0.25, 0.1]);
    expect(t.pValue).to.equal(2 / 256);
    expect(t.smallestP).to.equal(2 / 256);
    expect(t.mean).to.be.closeTo(0.175, 1e-12);
  });

  it('gives 1 when the differences cancel, and cannot reach 5 % with four seeds', () => {
    expect(signFlipTest([0.1, -0.1, 0.2, -0.2]).pValue).to.equal(1);
    expect(signFlipTest([0.3, 0.2, 0.4, 0.1]).pValue).to.equal(2 / 16);
  });

  it('counts the assignments at least as extreme: [3, 1, −1] has |sum| ≥ 3 in 6 of 8', () => {
    // the 8 sums ±3 ±1 ∓1: 5, 3, 3, 1, −1, −3, −3, −5
    expect(signFlipTest([3, 1, -1]).pValue).to.equal(6 / 8);
  });

  it('rejects an empty list, more than 20 values and non-finite ones', () => {
    expect(() => signFlipTest([])).to.throw(OptionError);
    expect(() => signFlipTest(Array(21).fill(1))).to.throw(OptionError);
    expect(() => signFlipTest([1, NaN])).to.throw(OptionError);
  });
});

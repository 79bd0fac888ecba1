/** Averaging gradients over ranks in a format: a ring loses more than a tree, and both more than one rounding. */
import { expect } from 'chai';
import { gradientReduceError, OptionError } from '../../../src/course/index';

describe('gradientReduceError', () => {
  it('loses nothing beyond one rounding with two ranks (one addition, one division)', () => {
    const r = gradientReduceError({ ranks: 2, format: 'bfloat16', elements: 200 });
    expect(r.ring).to.equal(r.tree);
  });

  it('in bfloat16 over 256 ranks: the ring far worse than one rounding, the tree within a few of it', () => {
    const r = gradientReduceError({ ranks: 256, format: 'bfloat16', elements: 200 });
    expect(r.ring).to.be.above(5 * r.oneRounding);
    expect(r.tree).to.be.below(3 * r.oneRounding);
  });

  it('stays at float32 rounding level in float32', () => {
    const r = gradientReduceError({ ranks: 64, format: 'float32', elements: 200 });
    expect(r.ring).to.be.below(1e-6);
  });

  it('rejects an unknown format and a bad rank count', () => {
    expect(() => gradientReduceError({ ranks: 8, format: 'float8' as 'float16' })).to.throw(OptionError, /format/);
    expect(() => gradientReduceError({ ranks: 0, format: 'float16' })).to.throw(OptionError, /ranks/);
  });
});

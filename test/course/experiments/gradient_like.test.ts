import { expect } from 'chai';
import { gradientLikeMatrix, OptionError } from '../../../src/course/index';

describe('gradientLikeMatrix', () => {
  it('is seeded, rows × cols, with row scales over the binades asked for', () => {
    const a = gradientLikeMatrix({ rows: 64, cols: 32, outliers: 0 });
    expect(a.shape).to.deep.equal([64, 32]);
    expect(a.values).to.deep.equal(gradientLikeMatrix({ rows: 64, cols: 32, outliers: 0 }).values);
    const rowRms = Array.from({ length: 64 }, (_, r) =>
      Math.sqrt(a.values.subarray(32 * r, 32 * r + 32).reduce((s, v) => s + v * v, 0) / 32),
    );
    const spread = Math.log2(Math.max(...rowRms) / Math.min(...rowRms));
    expect(spread).to.be.within(5, 8 + 2); // 8 binades of scale, plus the rows' own sampling noise
  });

  it('puts outliers of 8 to 64 times their row scale', () => {
    const plain = gradientLikeMatrix({ rows: 16, cols: 16, binades: 0, outliers: 0 }).values;
    const spiked = gradientLikeMatrix({ rows: 16, cols: 16, binades: 0, outliers: 4 }).values;
    const changed = spiked.filter((v, i) => v !== plain[i]);
    expect(changed.length).to.be.within(1, 4);
    for (const v of changed) expect(Math.abs(v)).to.be.within(8, 64);
  });

  it('rejects bad sizes and unknown options', () => {
    expect(() => gradientLikeMatrix({ rows: 0 })).to.throw(OptionError, /rows/);
    expect(() => gradientLikeMatrix({ outliers: -1 })).to.throw(OptionError, /outliers/);
    expect(() => gradientLikeMatrix({ size: 3 } as never)).to.throw(OptionError);
  });
});

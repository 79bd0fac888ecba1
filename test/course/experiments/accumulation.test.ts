import { expect } from 'chai';
import { accumulationSweep, OptionError } from '../../../src/course/index';

describe('accumulationSweep', () => {
  it('loses more with K under one 14-bit partial sum, and stays flat when promoted every 128 products', () => {
    const [short, long] = accumulationSweep({ ks: [128, 4096], rows: 4, cols: 4 });
    expect(long!.fastAccumulation).to.be.above(10 * short!.fastAccumulation);
    for (const r of [short!, long!]) {
      expect(r.promoted, 'promoted').to.be.below(2 ** -10);
      expect(r.exactPartials, 'exact partial sums').to.be.below(1e-6);
    }
    expect(long!.promoted).to.be.below(long!.fastAccumulation / 10);
  });

  it('keeps more of the sum with more accumulator bits, and is seeded', () => {
    const bits = (b: number) => accumulationSweep({ ks: [2048], rows: 2, cols: 2, accumulatorBits: b })[0]!;
    expect(bits(20).fastAccumulation).to.be.below(bits(14).fastAccumulation);
    expect(bits(14)).to.deep.equal(bits(14));
  });

  it('rejects a bad size or an unknown option', () => {
    expect(() => accumulationSweep({ ks: [0] })).to.throw(OptionError, /ks/);
    expect(() => accumulationSweep({ rows: 1.5 })).to.throw(OptionError, /rows/);
    expect(() => accumulationSweep({ k: 3 } as never)).to.throw(OptionError);
  });
});

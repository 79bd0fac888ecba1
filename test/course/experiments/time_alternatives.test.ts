/** Interleaved rounds of timed functions: the order they run in and the shape of what comes back (no clock asserted). */
import { expect } from 'chai';
import { compareTimings, OptionError, timeAlternatives } from '../../../src/course/index';

describe('timeAlternatives', () => {
  it('warms every function up, then starts each round with the next one', () => {
    const calls: string[] = [];
    const timed = timeAlternatives(
      { a: () => calls.push('a'), b: () => calls.push('b'), c: () => calls.push('c') },
      { rounds: 3, repeats: 1, warmup: 1 },
    );
    expect(calls.join('')).to.equal('abc' + 'abc' + 'bca' + 'cab');
    expect(timed.map((t) => t.policy)).to.deep.equal(['a', 'b', 'c']);
  });

  it('gives one non-negative sample per round, the mean over the repeats, ready for compareTimings', () => {
    let n = 0;
    const timed = timeAlternatives({ light: () => n++, heavy: () => n++ }, { rounds: 6, repeats: 4, warmup: 0 });
    expect(n).to.equal(2 * 6 * 4);
    for (const t of timed) {
      expect(t.samples).to.have.length(6);
      for (const s of t.samples) expect(s).to.be.at.least(0);
    }
    const noZero = timed.map((t) => ({ ...t, samples: t.samples.map((s) => s + 1) }));
    expect(compareTimings(noZero)[0]!.baseline).to.equal('light');
  });

  it('rejects fewer than two functions, bad counts and an unknown clock', () => {
    expect(() => timeAlternatives({ only: () => 0 })).to.throw(OptionError, /at least two functions/);
    expect(() => timeAlternatives({ a: () => 0, b: 'no' as never })).to.throw(OptionError);
    expect(() => timeAlternatives({ a: () => 0, b: () => 0 }, { rounds: 0 })).to.throw(OptionError, /rounds/);
    expect(() => timeAlternatives({ a: () => 0, b: () => 0 }, { repeats: 1.5 })).to.throw(OptionError, /repeats/);
    expect(() => timeAlternatives({ a: () => 0, b: () => 0 }, { clock: 'sundial' as never })).to.throw(OptionError);
  });
});

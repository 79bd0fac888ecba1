/** The sentences a live timing may print, from synthetic per-round times (no clock involved). */
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { compareTimings, OptionError, summarizeTimings } from '../../../src/course/index';

/** `rounds` times around `ms`, each off by up to ±spread (relative), from a fixed seed. */
function times(ms: number, spread: number, rounds = 20, seed = 'a'): number[] {
  const rand = seedrandom.alea(seed);
  return Array.from({ length: rounds }, () => ms * (1 + spread * (2 * rand() - 1)));
}

describe('compareTimings', () => {
  const base = { policy: 'float32', samples: times(4, 0.02) };

  it('calls a clearly longer time slower, with its ratio and interval', () => {
    const [c] = compareTimings([base, { policy: 'mixed_bfloat16', samples: times(5.2, 0.02, 20, 'b') }]);
    expect(c!.verdict).to.equal('slower');
    expect(c!.median).to.be.closeTo(1.3, 0.03);
    expect(c!.low).to.be.below(c!.median).and.above(1.2);
    expect(c!.high).to.be.above(c!.median).and.below(1.4);
    expect(c!.sentence).to.match(
      /^mixed_bfloat16 is 1\.\d\d× slower than float32 \(95 % interval 1\.\d\d×–1\.\d\d×, 20 rounds\)\.$/,
    );
  });

  it('calls a clearly shorter time faster, as a speed-up', () => {
    const [c] = compareTimings([base, { policy: 'gpu', samples: times(2, 0.02, 20, 'c') }]);
    expect(c!.verdict).to.equal('faster');
    expect(c!.sentence).to.match(/^gpu is 2\.0\d× faster than float32 \(time ratio 0\.\d\d×/);
  });

  it('calls times within the tolerance the same', () => {
    const [c] = compareTimings([
      base,
      { policy: 'copy', samples: base.samples.map((t, i) => t * (1 + (i % 2 ? 0.004 : -0.004))) },
    ]);
    expect(c!.verdict).to.equal('same');
    expect(c!.sentence).to.match(/takes the same time as float32 within ±3 %/);
  });

  it('says "too noisy to tell" when the interval straddles the tolerance, quoting the range of ratios', () => {
    const noisy = base.samples.map((t, i) => t * [0.8, 1.4, 1.0, 1.2, 0.9][i % 5]!);
    const [c] = compareTimings([base, { policy: 'mixed_float16', samples: noisy }]);
    expect(c!.verdict).to.equal('too noisy');
    expect(c!.sentence).to.include(
      "too noisy to tell at this machine's load: the ratios ranged 0.80×–1.40× over 20 rounds",
    );
  });

  it('pairs rounds: a load that slows both alternatives alike leaves the ratio clear', () => {
    const load = times(1, 0.5, 20, 'load'); // ±50 % from round to round, shared
    const [c] = compareTimings([
      { policy: 'float32', samples: load.map((l) => 4 * l) },
      { policy: 'mixed_bfloat16', samples: load.map((l) => 4.4 * l) },
    ]);
    expect(c!.verdict).to.equal('slower');
    expect(c!.median).to.be.closeTo(1.1, 1e-9);
  });

  it('gives the same words for the same data, and compares with the baseline named', () => {
    const alts = [
      base,
      { policy: 'b', samples: times(4.4, 0.05, 20, 'd') },
      { policy: 'c', samples: times(6, 0.05, 20, 'e') },
    ];
    expect(compareTimings(alts)).to.deep.equal(compareTimings(alts));
    const vsC = compareTimings(alts, { baseline: 'c' });
    expect(vsC.map((v) => v.policy)).to.deep.equal(['float32', 'b']);
    expect(vsC.every((v) => v.verdict === 'faster' && v.baseline === 'c')).to.equal(true);
  });

  it('summarizes several comparisons by verdict', () => {
    const slower = compareTimings([
      base,
      { policy: 'x', samples: times(5, 0.01, 20, 'f') },
      { policy: 'y', samples: times(6, 0.01, 20, 'g') },
    ]);
    expect(summarizeTimings(slower)).to.equal('Every alternative is slower than float32 here.');
    const noisy = base.samples.map((t, i) => t * [0.8, 1.4, 1.0, 1.2, 0.9][i % 5]!);
    const mixed = compareTimings([
      base,
      { policy: 'x', samples: times(5, 0.01, 20, 'f') },
      { policy: 'z', samples: noisy },
    ]);
    expect(summarizeTimings(mixed)).to.equal(
      'x: slower than float32; z: too noisy to tell apart from it at this load.',
    );
  });

  it('refuses too few rounds, unequal rounds and an unknown baseline, naming them', () => {
    const short = { policy: 'float32', samples: [1, 1, 1, 1] };
    expect(() => compareTimings([short, { policy: 'b', samples: [1, 1, 1, 1] }])).to.throw(OptionError, /≥ 5/);
    expect(() => compareTimings([base, { policy: 'b', samples: times(4, 0.1, 19) }])).to.throw(
      OptionError,
      /b has 19, float32 has 20/,
    );
    expect(() => compareTimings([base, base], { baseline: 'fp8' })).to.throw(
      OptionError,
      /baseline must be one of "float32"/,
    );
    expect(() => compareTimings([base])).to.throw(OptionError, /at least two/);
  });
});

import { expect } from 'chai';
import { OptionError, readSeedRuns } from '../../../src/course/index';
import committed from '../../../notebooks/data/pure_bf16_runs.json';

describe('readSeedRuns', () => {
  it('reads the committed pure-bfloat16 runs: four variants over the same seeds, with a caption', () => {
    const runs = readSeedRuns(committed);
    expect(runs.variants.map((v) => v.label)).to.have.length(4);
    const seeds = runs.variants[0]!.seeds;
    expect(seeds.length).to.be.at.least(3);
    for (const v of runs.variants) {
      expect(v.seeds).to.deep.equal(seeds);
      expect(v.min).to.be.at.most(v.mean);
      expect(v.mean).to.be.at.most(v.max);
    }
    expect(runs.caption).to.match(/^Precomputed by `npx tsx scripts\/notebooks\/pure_bf16_runs\.ts/);
  });

  it('averages per variant, in the order the variants first appear', () => {
    const file = {
      command: 'c',
      createdAt: '2026-01-02T00:00:00Z',
      backend: 'wasm',
      machine: 'm',
      setting: 's',
      runs: [
        { label: 'b', seed: 0, testAccuracy: 0.5 },
        { label: 'a', seed: 0, testAccuracy: 0.25 },
        { label: 'b', seed: 1, testAccuracy: 0.75 },
      ],
    };
    const runs = readSeedRuns(file);
    expect(runs.variants.map((v) => [v.label, v.mean, v.min, v.max])).to.deep.equal([
      ['b', 0.625, 0.5, 0.75],
      ['a', 0.25, 0.25, 0.25],
    ]);
    expect(runs.caption).to.equal('Precomputed by `c` on 2026-01-02 (m, tfjs wasm backend): s; 2 seeds per variant.');
  });

  it('names the first missing or malformed field', () => {
    expect(() => readSeedRuns({})).to.throw(OptionError, /command/);
    const bad = {
      command: 'c',
      createdAt: 'd',
      backend: 'b',
      machine: 'm',
      setting: 's',
      runs: [{ label: 'x', seed: 0, testAccuracy: 2 }],
    };
    expect(() => readSeedRuns(bad)).to.throw(OptionError, /accuracy in \[0, 1\]/);
  });
});

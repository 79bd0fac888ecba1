import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { readFineTuneComparison } from '../../../src/course/index';
import { OptionError } from '../../../src/mp';

const file = path.join(__dirname, '..', '..', '..', 'notebooks', 'data', 'qat_vs_amp.json');
const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('readFineTuneComparison', () => {
  it('reads the committed notebooks/data/qat_vs_amp.json: both methods on the same seeds', () => {
    const runs = readFineTuneComparison(data);
    const seeds = (m: 'QAT' | 'AMP (mixed_float16)') => runs.rows(m).map((r) => r.seed);
    expect(seeds('QAT')).to.have.length.at.least(3);
    expect(seeds('QAT')).to.deep.equal(seeds('AMP (mixed_float16)'));
    expect(runs.source()).to.match(/^Precomputed with `npx tsx scripts\/qat-vs-amp.ts` on \d{4}-\d\d-\d\d/);
  });

  it('counts the seeds on which one method beats the other, paired by seed', () => {
    const rows = [
      { method: 'QAT', seed: 0, floatAccuracy: 0.9, int8Accuracy: 0.85 },
      { method: 'AMP (mixed_float16)', seed: 0, floatAccuracy: 0.9, int8Accuracy: 0.8 },
      { method: 'QAT', seed: 1, floatAccuracy: 0.9, int8Accuracy: 0.7 },
      { method: 'AMP (mixed_float16)', seed: 1, floatAccuracy: 0.9, int8Accuracy: 0.8 },
    ];
    const runs = readFineTuneComparison({ ...data, rows });
    expect(runs.wins('QAT', 'AMP (mixed_float16)')).to.equal(1);
    expect(runs.wins('AMP (mixed_float16)', 'QAT')).to.equal(1);
  });

  it('names what is wrong with a file that is not one', () => {
    expect(() => readFineTuneComparison({ ...data, schema: 2 })).to.throw(OptionError, /schema must be 1/);
    expect(() =>
      readFineTuneComparison({ ...data, rows: [{ method: 'fp8', floatAccuracy: 1, int8Accuracy: 1 }] }),
    ).to.throw(OptionError, /rows\[0\] needs a method/);
    expect(() => readFineTuneComparison(null)).to.throw(OptionError, /Not a qat_vs_amp.json file/);
  });
});

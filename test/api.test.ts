/** The public surfaces: src/mp/index.ts and src/course/index.ts, against their reviewed reports in etc/. */
import { expect } from 'chai';
import * as course from '../src/course/index';
import * as mp from '../src/mp/index';
import { runApiExtractor } from '../scripts/api';

describe('the public surface', function () {
  this.timeout(120_000);

  it('is what the committed API reports say (else: npm run api, and review the diff)', () => {
    expect(runApiExtractor(true)).to.deep.equal([]);
  });

  it('of the library is at most 70 values, and the course re-exports every one of them', () => {
    const values = Object.keys(mp);
    expect(values.length, values.join(', ')).to.be.at.most(70);
    const missing = values.filter(
      (name) => (course as Record<string, unknown>)[name] !== (mp as Record<string, unknown>)[name],
    );
    expect(missing).to.deep.equal([]);
  });

  it('keeps each renamed value under its old name for one release', () => {
    expect(mp.quantize).to.equal(mp.fakeCast);
    expect(mp.LOSS_SCALE_PRESETS.keras).to.equal(mp.LOSS_SCALE_PRESETS.tf_keras);
    expect(course.spacing).to.equal(course.numberLine);
    expect(course.SEED_MLP).to.equal(course.MNIST_MLP);
  });
});

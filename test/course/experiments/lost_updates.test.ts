import { expect } from 'chai';
import { buildMlp, lostUpdates, useBackend } from '../../../src/course/index';
import { OptionError } from '../../../src/mp';

describe('lostUpdates', function () {
  this.timeout(120_000);
  before(async () => {
    await useBackend('wasm');
  });

  it('loses (almost) nothing in float32, more in float16 and most in bfloat16, more as the rate falls', async () => {
    const model = buildMlp('float32', { seed: 3 });
    const rows = await lostUpdates(model, { learningRates: [1e-2, 1e-4, 1e-6], batches: 2 });
    model.dispose();
    const lost = (format: string) => rows.filter((r) => r.format === format).map((r) => r.lost);
    expect(lost('float32')[0]).to.equal(0);
    for (const format of ['float16', 'bfloat16']) {
      const [fast, , slow] = lost(format);
      expect(slow, format).to.be.above(fast!);
    }
    lost('float16').forEach((l, i) => expect(lost('bfloat16')[i]).to.be.at.least(l));
  });

  it('rejects a batch count that is not a whole number ≥ 1, and unknown options', async () => {
    const model = buildMlp('float32');
    await lostUpdates(model, { batches: 0 }).then(
      () => expect.fail('accepted batches: 0'),
      (e: unknown) => expect(e).to.be.instanceOf(OptionError),
    );
    await lostUpdates(model, { rates: [1] } as object).then(
      () => expect.fail('accepted rates'),
      (e: unknown) => expect(String(e)).to.match(/rates/),
    );
    model.dispose();
  });
});

import { expect } from 'chai';
import { compareQuantization, trainMnist, useBackend } from '../../../src/course/index';
import type { IntegerCheck } from '../../../src/course/experiments/compare_quantization';
import type { QuantizationRow } from '../../../src/course/viz/quantization';

describe("quantizing the seed's MLP on MNIST", function () {
  this.timeout(600_000);
  let rows: QuantizationRow[];
  let check: IntegerCheck;

  before(async () => {
    await useBackend('wasm');
    const trained = await trainMnist({ policy: 'float32', keepModel: true });
    ({ rows, integerCheck: check } = await compareQuantization(trained.model!));
    trained.model!.dispose();
  });

  it('gives one table for float32, static PTQ, dynamic int8 and QAT int8, with model sizes', () => {
    expect(rows.map((r) => r.method)).to.deep.equal(['float32', 'static PTQ int8', 'dynamic int8', 'QAT int8']);
    const fp32 = rows[0]!;
    for (const r of rows.slice(1)) expect(r.bytes, r.method).to.be.below(fp32.bytes / 3.5); // ~4× smaller
  });

  it('says which test images each model gets right, agreeing with its accuracy', () => {
    for (const r of rows) {
      expect(r.correct, r.method).to.have.length(10000);
      expect(r.correct!.reduce((s, c) => s + c, 0) / 10000, r.method).to.equal(r.testAccuracy);
    }
  });

  it('keeps every int8 variant within 0.5 points of float32', () => {
    const fp32 = rows[0]!.testAccuracy;
    for (const r of rows.filter((row) => row.method.includes('int8'))) {
      expect(Math.abs(r.testAccuracy - fp32), r.method).to.be.at.most(0.005);
    }
  });

  it('integer inference predicts as the fake-quantized model, any difference a near-tie of the top two logits', () => {
    expect(check.total).to.equal(10000);
    // A difference can only come from the integer path's own roundings (int32 bias, requantization), so the
    // fake-quantized model must have been within a few output steps of a tie there.
    expect(check.differing).to.be.at.most(10);
    expect(check.maxMarginInSteps).to.be.at.most(4);
  });
});

import { expect } from 'chai';
import {
  DynamicLossScaler,
  log2Histogram,
  log2HistogramFigure,
  lossScaleFigure,
  lossScaleRecorder,
  OptionError,
} from '../../../src/course/index';

describe('numerics figures', () => {
  it('log2HistogramFigure draws fractions per bin and marks the float16 range', () => {
    const h = log2Histogram(Float32Array.of(1, 1.5, 2 ** -30, 0), { format: 'float16', min: -40, max: 20 });
    const fig = log2HistogramFigure('g', { a: h, b: h });
    expect(fig.data).to.have.length(2);
    const y = fig.data[0]!.y as number[];
    expect(y.reduce((s, v) => s + v, 0)).to.equal(3 / 4); // the zero has no bin
    expect((fig.data[0]!.x as number[])[40]).to.equal(0.5); // the bin [2^0, 2^1) is centred at 0.5
    const shapes = fig.layout['shapes'] as { x0: number; type: string }[];
    expect(shapes.filter((s) => s.type === 'line').map((s) => s.x0)).to.deep.equal([-24, -14, Math.log2(65504)]);
    expect(() => log2HistogramFigure('g', {})).to.throw(OptionError);
  });

  it('lossScaleRecorder records the scale each step used and marks skipped steps', () => {
    const scaler = new DynamicLossScaler({ initScale: 8, growthInterval: 2 });
    const rec = lossScaleRecorder(scaler, { show: false });
    const report = (batch: number, overflow: boolean) => {
      scaler.update(overflow);
      rec.onProgress({
        epoch: 0,
        epochs: 1,
        batch,
        batches: 4,
        loss: 1,
        scale: scaler.scale,
        skipped: scaler.stats.skipped,
      });
    };
    report(1, true); // used 8, skipped: 8 → 4
    report(2, false); // used 4
    report(3, false); // used 4, then grows to 8
    report(4, false); // used 8
    rec.onProgress({ epoch: 0, epochs: 1, batch: 4, batches: 4, loss: 1, scale: 8, skipped: 1, valAccuracy: 0.5 });
    expect(rec.steps.map((s) => [s.scale, s.skipped])).to.deep.equal([
      [8, true],
      [4, false],
      [4, false],
      [8, false],
    ]);
    const fig = lossScaleFigure('S', rec.steps);
    expect(fig.data[0]!.y).to.deep.equal([3, 2, 2, 3]);
    expect(fig.data[1]!.x).to.deep.equal([1]);
  });

  it('rejects sparse progress reports and empty input with typed errors', () => {
    const rec = lossScaleRecorder(new DynamicLossScaler(), { show: false });
    expect(() =>
      rec.onProgress({ epoch: 0, epochs: 1, batch: 50, batches: 100, loss: 1, scale: 1, skipped: 0 }),
    ).to.throw(OptionError, /progressEvery: 1/);
    expect(() => rec.onProgress({ epoch: 0, epochs: 1, batch: 1, batches: 100, loss: 1 })).to.throw(OptionError);
    expect(() => lossScaleFigure('S', [])).to.throw(OptionError);
  });
});

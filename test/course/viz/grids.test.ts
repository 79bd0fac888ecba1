import { expect } from 'chai';
import { batchScaleFigure, gridErrorFigure, lostUpdatesFigure, staircaseFigure } from '../../../src/course/index';
import { OptionError } from '../../../src/mp';

type Axis = { type?: string; exponentformat?: string; title?: { text: string } };

describe("lesson 2's figures", () => {
  it('gridErrorFigure: both axes log, labelled in powers of ten, zero errors left off the log axis', () => {
    const fig = gridErrorFigure([1e-4, 1e-2, 1], { int8: [1, 0, 0.002] });
    const layout = fig.layout as Record<string, Axis>;
    for (const axis of [layout.xaxis!, layout.yaxis!]) {
      expect(axis.type).to.equal('log');
      expect(axis.exponentformat).to.equal('power');
      expect(axis.title!.text).to.match(/log scale/);
    }
    expect(fig.data[0]!.y).to.deep.equal([1, null, 0.002]);
    expect(() => gridErrorFigure([1, 2], { int8: [1] })).to.throw(OptionError, /1 values for 2 x values/);
  });

  it('staircaseFigure: the quantizer against the line x̂ = x', () => {
    const fig = staircaseFigure([0, 0.1, 0.2], [0, 0, 0.25], 'step 0.25');
    expect(fig.data.map((t) => t.y)).to.deep.equal([
      [0, 0, 0.25],
      [0, 0.1, 0.2],
    ]);
    expect(String(fig.layout.title && (fig.layout.title as { text: string }).text)).to.match(/\?/);
  });

  it('batchScaleFigure: one point per batch, and the calibrated scale as a flat line', () => {
    const fig = batchScaleFigure([0.02, 0.03], 0.025);
    expect(fig.data[0]!.x).to.deep.equal([1, 2]);
    expect(fig.data[1]!.y).to.deep.equal([0.025, 0.025]);
  });

  it('lostUpdatesFigure: one line per format in %, sorted by rate, and the training rate marked', () => {
    const fig = lostUpdatesFigure(
      [
        { format: 'float16', learningRate: 1e-3, lost: 0.03 },
        { format: 'float16', learningRate: 1e-5, lost: 0.9 },
        { format: 'bfloat16', learningRate: 1e-3, lost: 0.25 },
      ],
      1e-3,
    );
    expect(fig.data.map((t) => t.name)).to.deep.equal([
      'weights stored in float16',
      'weights stored in bfloat16',
      'the rate it was trained with (0.001)',
    ]);
    expect(fig.data[0]!.x).to.deep.equal([1e-5, 1e-3]);
    expect(fig.data[0]!.y).to.deep.equal([90, 3]);
    expect(fig.data[2]!.x).to.deep.equal([1e-3, 1e-3]);
    expect(() => lostUpdatesFigure([])).to.throw(OptionError, /at least one row/);
  });
});

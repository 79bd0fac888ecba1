import { expect } from 'chai';
import { OptionError, quantizationFigure } from '../../../src/course/index';
import type { QuantizationRow } from '../../../src/course/viz/quantization';

const rows: QuantizationRow[] = [
  { method: 'float32', testAccuracy: 0.9512, bytes: 203560, detail: '' },
  { method: 'static PTQ int8', testAccuracy: 0.9498, bytes: 51440, detail: '' },
];

describe('quantizationFigure', () => {
  it('draws accuracy (%) and size (KB) as two bar groups on two axes', () => {
    const fig = quantizationFigure(rows);
    expect(fig.data).to.have.length(2);
    const [acc, size] = fig.data;
    expect(acc!.x).to.deep.equal(['float32', 'static PTQ int8']);
    expect(acc!.y![0]).to.be.closeTo(95.12, 1e-9);
    expect(acc!.yaxis).to.equal('y');
    expect(size!.y).to.deep.equal([203.56, 51.44]);
    expect(size!.yaxis).to.equal('y2');
    expect(acc!.offsetgroup).to.not.equal(size!.offsetgroup); // side by side, not on top of each other
    expect(acc!.text).to.deep.equal(['95.12%', '94.98%']);
  });

  it('titles the figure and both axes, and starts the accuracy axis below the lowest bar', () => {
    const fig = quantizationFigure(rows, 'my title');
    const layout = fig.layout as Record<string, { title?: { text: string }; range?: number[] }>;
    expect(fig.layout.title).to.deep.equal({ text: 'my title' });
    expect(layout.yaxis!.title!.text).to.match(/accuracy/);
    expect(layout.yaxis2!.title!.text).to.match(/size/);
    expect(layout.xaxis!.title!.text).to.equal('method');
    expect(layout.yaxis!.range![0]).to.equal(89);
    expect(layout.yaxis2!.range![1]).to.be.greaterThan(203.56);
  });

  it('rejects empty input and rows that are not an accuracy and a size', () => {
    expect(() => quantizationFigure([])).to.throw(OptionError, /at least one row/);
    expect(() => quantizationFigure([{ ...rows[0]!, testAccuracy: 95 }])).to.throw(OptionError, /testAccuracy=95/);
    expect(() => quantizationFigure([{ ...rows[0]!, bytes: 0 }])).to.throw(OptionError, /bytes=0/);
    expect(() => quantizationFigure([{ ...rows[0]!, testAccuracy: NaN }])).to.throw(OptionError);
  });
});

import { expect } from 'chai';
import { formatRangeFigure, log2Histogram, OptionError, scaleTraceFigure } from '../../../src/course/index';
import type { ScaleTrace } from '../../../src/mp/quant/fp8_scaling';

describe('outlook figures', () => {
  it('formatRangeFigure: a histogram and one bar pair per format on a log2 axis', () => {
    const h = log2Histogram(Float32Array.of(2 ** -30, 2 ** -10, 1), { min: -40, max: 10 });
    const fig = formatRangeFigure('ranges', h, ['float16', 'bfloat16']);
    expect(fig.data).to.have.length(1 + 2 * 2);
    const fp16 = fig.data.filter((t) => t.y?.[0] === 'float16');
    expect(fp16.map((t) => t.x)).to.deep.equal([
      [-24, -14],
      [-14, Math.log2(65504)],
    ]);
    expect(fig.data[0]!.y!.reduce((a, b) => Number(a) + Number(b), 0)).to.equal(1);
    // the x axis spans the bins and float16's top, not bfloat16's 2^128
    expect((fig.layout.xaxis as { range: number[] }).range).to.deep.equal([-40, Math.log2(65504) + 1]);
    expect(() => formatRangeFigure('none', h, [])).to.throw(OptionError);
    expect(() => formatRangeFigure('int', h, ['int8'])).to.throw(/integer grid/);
  });

  it('scaleTraceFigure: amax, history amax (null before any history) and saturated steps, one dropdown entry per tensor', () => {
    const trace = (tensor: string): ScaleTrace => ({
      tensor,
      format: 'float8_e5m2',
      amax: [1, 2, 1],
      scale: [1, 57344, 28672],
      historyAmax: [0, 1, 2],
      saturated: [0, 0.1, 0],
      underflow: [0, 0, 0],
      underflowUnscaled: [0, 0, 0],
    });
    const fig = scaleTraceFigure('scales', [trace('a'), trace('b')]);
    expect(fig.data).to.have.length(6);
    expect(fig.data[1]!.y).to.deep.equal([NaN, 1, 2]);
    expect(fig.data[2]!.x).to.deep.equal([2]);
    expect(fig.data.map((t) => t.visible)).to.deep.equal([true, true, true, false, false, false]);
    const menus = fig.layout.updatemenus as { buttons: unknown[] }[];
    expect(menus[0]!.buttons).to.have.length(2);
    expect(JSON.parse(JSON.stringify(fig.data[1]!.y))).to.deep.equal([null, 1, 2]);
    expect(() => scaleTraceFigure('none', [])).to.throw(OptionError);
    const second = scaleTraceFigure('scales', [trace('a'), trace('b')], 'b');
    expect(second.data.map((t) => t.visible)).to.deep.equal([false, false, false, true, true, true]);
    expect(() => scaleTraceFigure('scales', [trace('a')], 'c')).to.throw(OptionError, /a\. Received: c/);
  });
});

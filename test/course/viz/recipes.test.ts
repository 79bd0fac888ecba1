import { expect } from 'chai';
import { formatTradeoffFigure, OptionError, seedSpreadFigure } from '../../../src/course/index';

describe('recipe figures', () => {
  it('formatTradeoffFigure: one trace per storage width, each format at (mantissa bits, binades)', () => {
    const fig = formatTradeoffFigure('trade-off', ['float32', 'bfloat16', 'float16', 'float8_e4m3fn']);
    expect(fig.data.map((t) => t.name)).to.deep.equal(['32 bits', '16 bits', '8 bits']);
    const sixteen = fig.data[1]!;
    expect(sixteen.text).to.deep.equal(['bfloat16', 'float16']);
    expect(sixteen.x).to.deep.equal([7, 10]);
    expect(sixteen.y![1]).to.be.closeTo(Math.log2(65504 / 2 ** -24), 1e-12);
    expect(() => formatTradeoffFigure('none', [])).to.throw(OptionError);
  });

  it('seedSpreadFigure: every value as a dot, each mean, and the first row as the baseline line', () => {
    const fig = seedSpreadFigure(
      'spread',
      [
        { name: 'a', values: [1, 3] },
        { name: 'b', values: [5] },
      ],
      'y (%)',
    );
    expect(fig.data[0]!.x).to.deep.equal(['a', 'a', 'b']);
    expect(fig.data[1]!.y).to.deep.equal([2, 5]);
    expect((fig.layout.shapes as { y0: number }[])[0]!.y0).to.equal(2);
    expect(() => seedSpreadFigure('none', [{ name: 'a', values: [] }], 'y')).to.throw(OptionError);
  });
});

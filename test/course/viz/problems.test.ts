import { expect } from 'chai';
import { errorGrowthFigure, OptionError } from '../../../src/course/index';

describe('errorGrowthFigure', () => {
  const x = [1, 2, 4];

  it('draws measured series solid and each reference line in its own grey dash style and legend entry', () => {
    const fig = errorGrowthFigure('t', x, { naive: [0.1, 0.2, 0.4] }, { bound: [1, 2, 3], u: [5, 5, 5] });
    expect(fig.data.map((t) => t.name)).to.deep.equal(['naive', 'bound', 'u']);
    expect(fig.data[0]!['line']).to.equal(undefined);
    const styles = fig.data.slice(1).map((t) => t['line'] as { dash: string; color: string });
    expect(new Set(styles.map((s) => s.dash)).size).to.equal(2);
    expect(new Set(styles.map((s) => s.color)).size).to.equal(2);
  });

  it('leaves a gap (NaN) for values a log axis cannot show, and keeps them on a linear one', () => {
    const log = errorGrowthFigure('t', x, { a: [0, -1, 2] }, {}, { logY: true });
    expect(log.data[0]!.y).to.deep.equal([NaN, NaN, 2]);
    expect(errorGrowthFigure('t', x, { a: [0, -1, 2] }).data[0]!.y).to.deep.equal([0, -1, 2]);
    expect((log.layout['yaxis'] as { type?: string }).type).to.equal('log');
  });

  it('rejects a series of the wrong length and more reference lines than styles', () => {
    expect(() => errorGrowthFigure('t', x, { a: [1, 2] })).to.throw(OptionError, /2 values for 3/);
    expect(() => errorGrowthFigure('t', x, {}, { a: x, b: x, c: x, d: x })).to.throw(OptionError, /at most 3/);
  });
});

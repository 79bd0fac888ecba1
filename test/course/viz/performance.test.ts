/** Lesson 5's figure builders: what they draw, and that bad input is refused with a typed error. */
import { expect } from 'chai';
import {
  dotsFigure,
  memoryCalculatorFigure,
  OptionError,
  rooflineFigure,
  sensitivityHeatmapFigure,
  stackedBarFigure,
} from '../../../src/course/index';

describe('lesson 5 figures', () => {
  it('dotsFigure draws one dot per run and a mean bar per group of several runs, same colour', () => {
    const fig = dotsFigure('Spread?', { a: [1, 3], b: [2] }, { y: '%' });
    expect(fig.data.map((t) => t.name)).to.deep.equal(['a', 'a: mean', 'b']);
    expect(fig.data[1]!.y).to.deep.equal([2]);
    expect((fig.data[0]!.marker as { color: string }).color).to.equal(
      (fig.data[1]!.marker as { line: { color: string } }).line.color,
    );
    expect(() => dotsFigure('x', { a: [NaN] })).to.throw(OptionError);
  });

  it('stackedBarFigure stacks one segment per series and checks the lengths', () => {
    const fig = stackedBarFigure('Where?', ['x', 'y'], { s: [1, 2], t: [3, 4] });
    expect(fig.layout.barmode).to.equal('stack');
    expect(() => stackedBarFigure('Where?', ['x', 'y'], { s: [1] })).to.throw(OptionError, /one value per category/);
  });

  it('rooflineFigure bends each roof at its ridge, peak ÷ bandwidth, on log axes', () => {
    const fig = rooflineFigure(
      'Which?',
      [{ name: 'bf16', peakTFLOPs: 800, bandwidthTBs: 4 }],
      [{ name: 'op', intensity: 10, TFLOPs: 5, roof: 'bf16' }],
    );
    const roof = fig.data[0]!;
    expect(roof.name).to.match(/ridge at 200 FLOP\/byte/);
    const xs = roof.x as number[];
    const ys = roof.y as number[];
    expect(ys[xs.indexOf(200)]).to.equal(800);
    expect(Math.max(...ys)).to.equal(800);
    expect((fig.layout.xaxis as { type: string }).type).to.equal('log');
  });

  it('sensitivityHeatmapFigure maps a drop to red and a gain to blue, centred on zero', () => {
    const fig = sensitivityHeatmapFigure(
      'How many?',
      ['l1', 'l2'],
      ['f8', 'f4'],
      [
        [0.1, 2],
        [-0.5, 0],
      ],
    );
    const h = fig.data[0] as { zmin: number; zmax: number; colorscale: [number, string][] };
    expect([h.zmin, h.zmax]).to.deep.equal([-2, 2]);
    expect(h.colorscale[0]![1]).to.equal('#2166ac');
    expect(h.colorscale[2]![1]).to.equal('#b2182b');
    expect((fig.layout.yaxis as { automargin: boolean }).automargin).to.equal(true);
    expect(() => sensitivityHeatmapFigure('x', ['l1'], ['f8'], [[1, 2]])).to.throw(OptionError);
  });

  it('memoryCalculatorFigure: the menu sets visibility, the slider sets heights, of the same traces by index', () => {
    const fig = memoryCalculatorFigure({
      title: 'Fit?',
      models: ['m1', 'm2'],
      components: ['w', 'a'],
      settings: [
        {
          name: 's1',
          gib: [
            [
              [1, 2],
              [3, 4],
            ],
            [
              [1, 2],
              [6, 8],
            ],
          ],
        },
        {
          name: 's2',
          gib: [
            [
              [0.5, 1],
              [3, 4],
            ],
            [
              [0.5, 1],
              [6, 8],
            ],
          ],
        },
      ],
      steps: ['1', '2'],
      stepLabel: 'batch',
      limits: [{ name: 'GPU', gib: 10 }],
    });
    expect(fig.data).to.have.length(5); // 2 settings × 2 components + 1 limit line
    const menu = (fig.layout.updatemenus as { buttons: { args: unknown[] }[] }[])[0]!;
    expect(menu.buttons[1]!.args).to.deep.equal([{ visible: [false, false, true, true] }, [0, 1, 2, 3]]);
    const slider = (fig.layout.sliders as { steps: { args: unknown[] }[] }[])[0]!;
    expect(slider.steps[1]!.args).to.deep.equal([
      {
        y: [
          [1, 2],
          [6, 8],
          [0.5, 1],
          [6, 8],
        ],
      },
      [0, 1, 2, 3],
    ]);
    expect(fig.data.slice(0, 4).map((t) => t.visible)).to.deep.equal([true, true, false, false]);
    expect(() =>
      memoryCalculatorFigure({
        title: 'x',
        models: ['m'],
        components: ['w'],
        settings: [{ name: 's', gib: [] }],
        steps: ['1'],
        stepLabel: 'b',
        limits: [],
      }),
    ).to.throw(OptionError, /steps × 1 components × 1 models/);
  });
});

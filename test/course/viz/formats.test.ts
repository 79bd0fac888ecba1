import { expect } from 'chai';
import {
  bitLayoutFigure,
  decode,
  encode,
  FLOAT_FORMAT_NAMES,
  FormatError,
  getFormat,
  OptionError,
  roundArray,
  numberLine,
  spacingFigure,
  type FloatFormat,
} from '../../../src/course/index';

describe('numberLine', () => {
  it('lists every positive value of a narrow format with the gap to the next one', () => {
    const s = numberLine('float4_e2m1fn');
    expect(s.everyValue).to.equal(true);
    expect(s.values).to.deep.equal([0.5, 1, 1.5, 2, 3, 4, 6]);
    expect(s.gaps).to.deep.equal([0.5, 0.5, 0.5, 1, 1, 2, 2]); // the last: 6 − 4, the gap below the largest
  });

  it('gives the binade starts of wide formats, with gaps that agree with rounding', () => {
    for (const name of ['float32', 'tf32', 'float16', 'bfloat16']) {
      const f = getFormat(name) as FloatFormat;
      const s = numberLine(name);
      expect(s.everyValue, name).to.equal(false);
      expect(s.values[0], name).to.equal(f.minSubnormal);
      expect(s.values[s.values.length - 1], name).to.equal(f.maxFinite);
      // the subnormal range, the start of each binade (exponent fields 1..max), and the largest value
      expect(s.values.length, name).to.equal(f.maxExpField + 2);
      for (let i = 1; i < s.values.length - 1; i++) {
        const x = s.values[i]!;
        expect(s.gaps[i], `${name} at ${x}`).to.equal(x * f.epsilon); // gap = ulp = x·2^−M at a binade start
        // rounding x + gap/2 (a tie) goes to even, i.e. back to x; just above it goes up by the gap
        const up = roundArray(Float32Array.of(x + 0.75 * s.gaps[i]!), name)[0];
        if (x + 0.75 * s.gaps[i]! < 2 ** 128) expect(up, `${name} at ${x}`).to.equal(x + s.gaps[i]!);
      }
    }
  });

  it('agrees with encode/decode for every float format', () => {
    for (const name of FLOAT_FORMAT_NAMES) {
      const s = numberLine(name);
      s.values.forEach((v, i) => {
        expect(decode(encode(v, name), name), name).to.equal(v);
        expect(s.gaps[i]! > 0, name).to.equal(true);
      });
      expect(
        [...s.values].sort((a, b) => a - b),
        name,
      ).to.deep.equal(s.values);
    }
    expect(numberLine('float8_e8m0fnu').values[0]).to.equal(2 ** -127); // no zero: code 0 is a value
  });

  it('rejects integer grids and bad options', () => {
    expect(() => numberLine('int8')).to.throw(FormatError);
    expect(() => numberLine('float16', { everyValueUpTo: -1 })).to.throw(OptionError);
  });
});

/** The parts of spacingFigure's plotly layout that the tests read. */
interface SpacingLayout {
  xaxis: { type: string; title: { text: string }; range?: number[] };
  yaxis: { type: string; range?: number[] };
  updatemenus: { buttons: { label: string; args: [{ visible: boolean[] }, Record<string, unknown>] }[] }[];
}

/** bitLayoutFigure's heatmap trace. */
interface BitsHeatmap {
  type: string;
  x: string[];
  y: string[];
  z: (number | null)[][];
  text: string[][];
}

describe('spacingFigure', () => {
  it('is one log-log chart with a dropdown over the formats', () => {
    const names = ['float32', 'float16', 'float8_e4m3fn'];
    const fig = spacingFigure(names);
    expect(fig.data.map((t) => t.name)).to.deep.equal(names);
    const layout = fig.layout as unknown as SpacingLayout;
    expect(layout.xaxis.type).to.equal('log');
    expect(layout.yaxis.type).to.equal('log');
    expect(layout.xaxis.title.text).to.be.a('string').and.not.equal('');
    const buttons = layout.updatemenus[0]!.buttons;
    expect(buttons.map((b) => b.label)).to.deep.equal(['all formats', ...names]);
    expect(buttons[2]!.args[0].visible).to.deep.equal([false, true, false]);
    expect(fig.data[2]!.mode).to.equal('lines+markers'); // float8: every value is a marker
    expect(JSON.parse(JSON.stringify(fig))).to.deep.equal(fig); // plain data
  });

  it('gives every format of the course its own colour, line and markers alike', () => {
    const fig = spacingFigure(FLOAT_FORMAT_NAMES);
    const colours = fig.data.map((t) => (t.line as { color: string }).color);
    expect(new Set(colours).size).to.equal(FLOAT_FORMAT_NAMES.length);
    expect(fig.data.map((t) => (t.marker as { color: string }).color)).to.deep.equal(colours);
  });

  it('opens on an overview when given one', () => {
    const fig = spacingFigure(['float32', 'float16', 'bfloat16'], { overview: ['bfloat16', 'float16'] });
    expect(fig.data.map((t) => t.visible)).to.deep.equal([false, true, true]);
    const buttons = (fig.layout as unknown as SpacingLayout).updatemenus[0]!.buttons;
    expect(buttons.map((b) => b.label)).to.deep.equal(['overview', 'all formats', 'float32', 'float16', 'bfloat16']);
    expect(buttons[0]!.args[0].visible).to.deep.equal([false, true, true]);
  });

  it('opens on a zoom where each binade is a visible step, and the other views on whole lines', () => {
    const fig = spacingFigure(['float32', 'float16', 'float8_e4m3fn'], {
      overview: ['float16', 'float8_e4m3fn'],
      zoom: [2 ** -10, 2 ** 9],
    });
    const layout = fig.layout as unknown as SpacingLayout;
    expect(layout.xaxis.range).to.deep.equal([Math.log10(2 ** -10), Math.log10(2 ** 9)]);
    // the y axis spans the gaps of the formats shown there: float16's at 2^-10 (2^-20) up to float8's at
    // 256..448 (2^5), half a decade either side; float32's far smaller gaps are not shown first, so not counted
    const [ylo, yhi] = layout.yaxis.range!;
    expect(ylo).to.be.closeTo(Math.log10(2 ** -20) - 0.5, 1e-12);
    expect(yhi).to.be.closeTo(Math.log10(2 ** 5) + 0.5, 1e-12);
    const buttons = layout.updatemenus[0]!.buttons;
    expect(buttons[0]!.args[1]).to.deep.include({ 'xaxis.range': layout.xaxis.range, 'yaxis.range': [ylo, yhi] });
    for (const b of buttons.slice(1)) expect(b.args[1], b.label).to.deep.include({ 'xaxis.autorange': true });
  });

  it('rejects an empty list, an overview outside it and a zoom that is not 0 < lo < hi', () => {
    expect(() => spacingFigure([])).to.throw(OptionError);
    expect(() => spacingFigure(['float16'], { overview: ['bfloat16'] })).to.throw(OptionError);
    for (const zoom of [[0, 1], [2, 1], [1], [1, 2, 3]])
      expect(() => spacingFigure(['float16'], { zoom: zoom as never }), String(zoom)).to.throw(OptionError, /zoom/);
    expect(() => spacingFigure(['float4_e2m1fn'], { zoom: [100, 1000] })).to.throw(OptionError, /holds no value/);
  });
});

describe('bitLayoutFigure', () => {
  it('shows the bits of fields() row by row, coloured by field', () => {
    const fig = bitLayoutFigure(-0.75, ['float16', 'bfloat16', 'float4_e2m1fn']);
    const t = fig.data[0] as unknown as BitsHeatmap;
    expect(t.type).to.equal('heatmap');
    expect(t.y).to.deep.equal(['float16 = -0.75', 'bfloat16 = -0.75', 'float4_e2m1fn = -1']);
    expect(t.text[0]!.join('')).to.equal('1011101000000000'); // 1 01110 1000000000
    expect(t.z[0]!.slice(0, 7)).to.deep.equal([0, 1, 1, 1, 1, 1, 2]);
    expect(t.text[2]!.slice(0, 4)).to.deep.equal(['1', '0', '1', '0']); // -1 in e2m1: 1 01 0
    expect(t.text[2]!.slice(4)).to.deep.equal(Array(12).fill(''));
    expect(t.z[2]!.slice(4)).to.deep.equal(Array(12).fill(null));
    expect(t.x).to.have.length(16);
  });

  it('rejects integer formats and non-numbers', () => {
    expect(() => bitLayoutFigure(1, ['int8'])).to.throw(FormatError);
    expect(() => bitLayoutFigure('1' as never, ['float16'])).to.throw(OptionError);
    expect(() => bitLayoutFigure(1, [])).to.throw(OptionError);
  });
});

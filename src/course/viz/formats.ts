/**
 * Figures of the number formats themselves (lesson 1): the bits of one value in several formats, and the
 * spacing of each format's number line. Every number comes from the library (fields, decode); nothing is
 * re-derived here.
 *
 *     showFigure(bitLayoutFigure(0.1, ['float32', 'bfloat16', 'float16']));
 *     showFigure(spacingFigure(FLOAT_FORMAT_NAMES, { zoom: [2 ** -10, 2 ** 9] }));   // a dropdown picks the format
 */
import { checkOptionKeys, describeValue, OptionError } from '../../mp/errors';
import { decode } from '../../mp/formats/codec';
import { fields } from '../../mp/formats/fields';
import { getFloatFormat, type FormatLike } from '../../mp/formats/registry';
import type { Figure, Trace } from './figure';

/** The positive number line of one format: representable values and the gap from each to its neighbour. */
export interface NumberLine {
  readonly format: string;
  /** Positive finite values of the format, ascending (every one, or the first of each binade). */
  readonly values: number[];
  /**
   * gaps[i]: distance from values[i] to the next larger representable value; for the largest finite value,
   * the distance to the one below it (there is no finite one above).
   */
  readonly gaps: number[];
  /** Whether `values` lists every positive finite value (narrow formats) or only where the gap changes. */
  readonly everyValue: boolean;
}

/**
 * A float format's positive number line: its values and the gap from each to the next, read off its codes with
 * `decode` (NumPy's spacing(x) gives one such gap, at x). Positive codes are in value order, so code c + 1 is
 * the next larger value. A format with at most `everyValueUpTo` positive finite values gives all of them; a wider
 * one gives the smallest (sub)normal and the first value of each binade, where the gap doubles (it is constant
 * inside a binade), and the largest finite value.
 *
 *     numberLine('float4_e2m1fn').values   // [0.5, 1, 1.5, 2, 3, 4, 6]
 */
export function numberLine(format: FormatLike, options: { everyValueUpTo?: number } = {}): NumberLine {
  checkOptionKeys('numberLine', options, ['everyValueUpTo']);
  const { everyValueUpTo = 256 } = options;
  const f = getFloatFormat(format);
  if (!Number.isInteger(everyValueUpTo) || everyValueUpTo < 0) {
    throw new OptionError(
      `everyValueUpTo must be a non-negative integer. Received: ${String(everyValueUpTo)}`,
      'everyValueUpTo',
      everyValueUpTo,
    );
  }
  const M = f.manBits;
  const first = f.subnormals ? 1 : 0; // code 0 is +0, except where the format has no zero (e8m0)
  const last = f.maxExpField * 2 ** M + f.maxMantissaAtTop; // the largest finite value's code
  const everyValue = last - first + 1 <= everyValueUpTo;
  const codes: number[] = [];
  if (everyValue) {
    for (let c = first; c <= last; c++) codes.push(c);
  } else {
    codes.push(first);
    for (let field = 1; field <= f.maxExpField; field++) if (field * 2 ** M > first) codes.push(field * 2 ** M);
    if (codes[codes.length - 1] !== last) codes.push(last);
  }
  const values = codes.map((c) => decode(c, f));
  const gaps = codes.map((c) => (c < last ? decode(c + 1, f) - decode(c, f) : decode(c, f) - decode(c - 1, f)));
  return { format: f.name, values, gaps, everyValue };
}

function checkFormatList(formats: readonly FormatLike[], what: string): void {
  if (!Array.isArray(formats) || formats.length === 0) {
    throw new OptionError(
      `${what} needs a non-empty array of float format names. Received: ${describeValue(formats)}`,
      'formats',
      formats,
    );
  }
}

/** The options of spacingFigure. */
export interface SpacingFigureOptions {
  /** The question the figure answers; each view adds its name ("… (overview)", "… (float16)"). */
  readonly title?: string;
  /** A few of the formats, shown first (the dropdown offers all of them, or any one). */
  readonly overview?: readonly FormatLike[];
  /**
   * The values [lo, hi] the first view opens on. Over a whole float32 line (2^-149 to 2^128) a binade is a
   * speck and every staircase looks like a straight line; over a few dozen binades each step shows. The y axis
   * then spans the gaps of the formats shown at those values. The other views show whole lines.
   */
  readonly zoom?: readonly [number, number];
}

/**
 * Gap between neighbouring values against the value, log-log, one trace per format, in ONE chart with a
 * dropdown (plotly updatemenus): an optional `overview` (a few of the formats, shown first), all formats, or
 * any one. Every value of a narrow format is a marker (its number line); wider formats draw the staircase of
 * their binades. `zoom` opens the first view on a range of values where the steps are visible.
 *
 *     spacingFigure(FLOAT_FORMAT_NAMES, { overview: ['float32', 'bfloat16', 'float16'], zoom: [2 ** -10, 2 ** 9] })
 */
export function spacingFigure(formats: readonly FormatLike[], options: SpacingFigureOptions = {}): Figure {
  checkOptionKeys('spacingFigure', options, ['title', 'overview', 'zoom']);
  const { title = 'Spacing of representable values', overview, zoom } = options;
  checkFormatList(formats, 'spacingFigure');
  const series = formats.map((f) => numberLine(f));
  const names = series.map((s) => s.format);
  const shownFirst = overview?.map((f) => getFloatFormat(f).name);
  const missing = shownFirst?.filter((n) => !names.includes(n)) ?? [];
  if (missing.length > 0) {
    throw new OptionError(
      `overview lists formats that are not in the figure: ${missing.join(', ')}`,
      'overview',
      overview,
      names,
    );
  }
  const firstView = series.filter((s) => (shownFirst ?? names).includes(s.format));
  const zoomed = zoom === undefined ? null : zoomRanges(zoom, firstView);
  const whole = { 'xaxis.autorange': true, 'yaxis.autorange': true };
  const button = (label: string, show: (name: string) => boolean, text: string, axes: object = whole) => ({
    label,
    method: 'update',
    args: [{ visible: names.map(show) }, { 'title.text': text, ...axes }],
  });
  const firstAxes = zoomed ? { 'xaxis.range': zoomed.x, 'yaxis.range': zoomed.y } : whole;
  const firstTitle = shownFirst ? `${title} (overview)` : `${title} (all formats)`;
  const buttons = [
    ...(shownFirst ? [button('overview', (n) => shownFirst.includes(n), firstTitle, firstAxes)] : []),
    button('all formats', () => true, `${title} (all formats)`, shownFirst ? whole : firstAxes),
    ...names.map((name) => button(name, (n) => n === name, `${title} (${name})`)),
  ];
  const data: Trace[] = series.map((s, i) => ({
    type: 'scatter',
    mode: s.everyValue ? 'lines+markers' : 'lines',
    name: s.format,
    x: s.values,
    y: s.gaps,
    visible: shownFirst ? shownFirst.includes(s.format) : true,
    line: { shape: 'hv', color: FORMAT_COLORS[i % FORMAT_COLORS.length] },
    marker: { size: 5, color: FORMAT_COLORS[i % FORMAT_COLORS.length] },
    hovertemplate: `${s.format}<br>value %{x:.6g}<br>gap to next %{y:.6g}<extra></extra>`,
  }));
  const range = (axis: 'x' | 'y') => (zoomed ? { range: zoomed[axis] } : {});
  return {
    data,
    layout: {
      title: { text: firstTitle },
      xaxis: {
        title: { text: 'value x (positive, finite; log scale)' },
        type: 'log',
        exponentformat: 'power',
        ...range('x'),
      },
      yaxis: {
        title: { text: 'gap from x to the next value (log scale)' },
        type: 'log',
        exponentformat: 'power',
        ...range('y'),
      },
      height: 520,
      margin: { t: 110 },
      updatemenus: [
        {
          type: 'dropdown',
          direction: 'down',
          x: 0,
          xanchor: 'left',
          y: 1.2,
          yanchor: 'bottom',
          showactive: true,
          buttons,
        },
      ],
    },
  };
}

/**
 * One colour per format: plotly's default cycle has ten colours, so among the course's fifteen float formats the
 * eleventh would share the first one's colour, and two lines of one chart would look like one format.
 */
const FORMAT_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#ad494a',
  '#637939',
  '#8c6d31',
  '#7b4173',
  '#3182bd',
];

/**
 * Plotly's log-axis ranges (log10 units) for values in `zoom`: x is the zoom itself; y spans the gaps the shown
 * formats have there, half a decade of margin either side.
 */
function zoomRanges(zoom: readonly [number, number], shown: readonly NumberLine[]): { x: number[]; y: number[] } {
  const [lo = NaN, hi = NaN]: readonly number[] = Array.isArray(zoom) && zoom.length === 2 ? zoom : [];
  if (!(lo > 0 && hi > lo)) {
    throw new OptionError(`zoom must be [lo, hi] with 0 < lo < hi. Received: ${describeValue(zoom)}`, 'zoom', zoom);
  }
  const gaps: number[] = [];
  for (const s of shown) {
    // the gap at lo is the one of the last listed value at or below lo (gaps are constant between listed values),
    // where lo is on the line at all
    let below = -1;
    s.values.forEach((v, i) => {
      if (v <= lo && lo <= s.values[s.values.length - 1]!) below = i;
    });
    s.values.forEach((v, i) => {
      if ((v >= lo && v <= hi) || i === below) gaps.push(s.gaps[i]!);
    });
  }
  if (gaps.length === 0) {
    throw new OptionError(`zoom [${lo}, ${hi}] holds no value of the formats shown first.`, 'zoom', zoom);
  }
  const log = (v: number): number => Math.log10(v);
  return { x: [log(lo), log(hi)], y: [log(Math.min(...gaps)) - 0.5, log(Math.max(...gaps)) + 0.5] };
}

const FIELD_NAMES = ['sign', 'exponent', 'mantissa'] as const;
/** Red sign, blue exponent, green mantissa: a discrete colour scale over z = 0, 1, 2. */
const FIELD_SCALE = [
  [0, '#d62728'],
  [1 / 3, '#d62728'],
  [1 / 3, '#1f77b4'],
  [2 / 3, '#1f77b4'],
  [2 / 3, '#2ca02c'],
  [1, '#2ca02c'],
];

/**
 * The bits of `value` in each format, one row per format (most significant bit on the left), coloured by
 * field (red sign, blue exponent, green mantissa), each row labelled with the value the format stores.
 */
export function bitLayoutFigure(value: number, formats: readonly FormatLike[]): Figure {
  checkFormatList(formats, 'bitLayoutFigure');
  if (typeof value !== 'number') {
    throw new OptionError(`value must be a number. Received: ${describeValue(value)}`, 'value', value);
  }
  const rows = formats.map((name) => {
    const f = getFloatFormat(name);
    const fl = fields(value, f);
    const bits = (n: number, width: number): string => (width ? n.toString(2).padStart(width, '0') : '');
    const parts = [f.signed ? String(fl.sign) : '', bits(fl.exponent, f.expBits), bits(fl.mantissa, f.manBits)];
    const cells = parts.flatMap((text, field) => [...text].map((bit) => ({ bit, field })));
    return { label: `${f.name} = ${fl.value}`, cells };
  });
  const width = Math.max(...rows.map((r) => r.cells.length));
  const pad = <T, F>(xs: T[], fill: F): (T | F)[] => [...xs, ...Array<F>(width - xs.length).fill(fill)];
  const heatmap: Trace = {
    type: 'heatmap',
    x: Array.from({ length: width }, (_, i) => i),
    y: rows.map((r) => r.label),
    z: rows.map((r) =>
      pad(
        r.cells.map((c) => c.field),
        null,
      ),
    ), // null: no cell
    text: rows.map((r) =>
      pad(
        r.cells.map((c) => c.bit),
        '',
      ),
    ),
    customdata: rows.map((r) =>
      pad(
        r.cells.map((c) => FIELD_NAMES[c.field]),
        '',
      ),
    ),
    texttemplate: '%{text}',
    textfont: { color: 'white', size: 12 },
    hovertemplate: '%{y}<br>bit %{x}: %{customdata} bit = %{text}<extra></extra>',
    zmin: 0,
    zmax: 2,
    colorscale: FIELD_SCALE,
    showscale: false,
    xgap: 2,
    ygap: 4,
  };
  return {
    data: [heatmap],
    layout: {
      title: { text: `How does each format store ${value}? (red: sign, blue: exponent, green: mantissa)` },
      xaxis: { title: { text: 'bit position, most significant first' }, dtick: 1 },
      yaxis: { title: { text: 'format = value stored' }, type: 'category', autorange: 'reversed', automargin: true },
      height: 160 + 36 * rows.length,
    },
  };
}

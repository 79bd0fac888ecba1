/**
 * Figures for the outlook lesson's trend and recipes: what each narrower format gives up (range against
 * precision), and the accuracy of each training recipe over several seeds.
 *
 *     showFigure(formatTradeoffFigure('Range or precision?', ['float32', 'bfloat16', 'float16']));
 *     showFigure(seedSpreadFigure('Accuracy per recipe', [{ name: 'float32', values: [90.1, 89.8] }], 'test accuracy (%)'));
 */
import { OptionError } from '../../mp/errors';
import { getFloatFormat, type FormatLike } from '../../mp/formats/registry';
import type { Figure, Trace } from './figure';

/**
 * One point per format: its mantissa bits (precision) across, its range in binades (log₂ of the largest finite
 * value over the smallest subnormal) up, one colour per storage width, the format's name beside its point.
 */
export function formatTradeoffFigure(title: string, formats: readonly FormatLike[]): Figure {
  if (formats.length === 0) throw new OptionError('formats must name at least one format.', 'formats', formats);
  const specs = formats.map((f) => getFloatFormat(f));
  const widths = [...new Set(specs.map((f) => f.bits))].sort((a, b) => b - a);
  const data: Trace[] = widths.map((bits) => {
    const group = specs.filter((f) => f.bits === bits);
    return {
      type: 'scatter',
      mode: 'markers+text',
      name: `${bits} bits`,
      x: group.map((f) => f.manBits),
      y: group.map((f) => Math.log2(f.maxFinite / f.minSubnormal)),
      text: group.map((f) => f.name),
      textposition: 'middle right',
      marker: { size: 10 },
      cliponaxis: false,
    };
  });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'mantissa bits (precision: epsilon = 2^−bits)' }, range: [-1, 27] },
      yaxis: { title: { text: 'range (binades: log₂ of largest finite ÷ smallest subnormal)' }, rangemode: 'tozero' },
      legend: { title: { text: 'storage' } },
    },
  };
}

/**
 * For each row, its values as dots (one per seed) and their mean as a bar across them; a dashed line at the first
 * row's mean (the baseline) runs through the chart.
 */
export function seedSpreadFigure(
  title: string,
  rows: readonly { readonly name: string; readonly values: readonly number[] }[],
  yTitle: string,
): Figure {
  if (rows.length === 0 || rows.some((r) => r.values.length === 0)) {
    throw new OptionError('rows must hold at least one row, each with at least one value.', 'rows', rows);
  }
  const names = rows.map((r) => r.name);
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const data: Trace[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'one seed',
      x: rows.flatMap((r) => r.values.map(() => r.name)),
      y: rows.flatMap((r) => r.values),
      marker: { size: 8, opacity: 0.6, color: '#1f77b4' },
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'mean over seeds',
      x: names,
      y: rows.map((r) => mean(r.values)),
      marker: { symbol: 'line-ew-open', size: 28, line: { width: 3 }, color: '#d62728' },
    },
  ];
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { type: 'category', title: { text: '' } },
      yaxis: { title: { text: yTitle } },
      shapes: [
        {
          type: 'line',
          xref: 'paper',
          x0: 0,
          x1: 1,
          y0: mean(rows[0]!.values),
          y1: mean(rows[0]!.values),
          line: { dash: 'dash', color: '#7f7f7f' },
        },
      ],
      annotations: [
        {
          xref: 'paper',
          x: 1,
          y: mean(rows[0]!.values),
          text: `${rows[0]!.name} mean`,
          showarrow: false,
          xanchor: 'right',
          yanchor: 'bottom',
          font: { color: '#7f7f7f' },
        },
      ],
    },
  };
}

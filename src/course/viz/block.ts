/**
 * Figures for the transformer block of lesson 4: held-out accuracy against an activation scale, one line per
 * configuration. Lines that coincide stay visible: each has its own dash and marker, drawn in the legend's order.
 *
 *     showFigure(stressFigure('At what residual scale does each configuration break?', rows, { x: 'residual ×' }));
 */
import { checkOptionKeys, OptionError } from '../../mp/errors';
import type { StressRow } from '../experiments/block_stress';
import type { Figure, Trace } from './figure';

const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'];
const SYMBOLS = ['circle', 'square', 'diamond', 'triangle-up', 'x', 'cross'];

/** Accuracy (percent) against the scale (log axis), one line per configuration of the rows. */
export function stressFigure(title: string, rows: readonly StressRow[], axes: { x?: string } = {}): Figure {
  checkOptionKeys('stressFigure', axes, ['x']);
  if (rows.length === 0) throw new OptionError('rows must hold at least one scale.', 'rows', rows);
  const labels = Object.keys(rows[0]!.accuracy);
  const data: Trace[] = labels.map((label, i) => ({
    type: 'scatter',
    mode: 'lines+markers',
    name: label,
    x: rows.map((r) => r.scale),
    y: rows.map((r) => 100 * r.accuracy[label]!),
    line: { dash: DASHES[i % DASHES.length], width: 2 },
    marker: { symbol: SYMBOLS[i % SYMBOLS.length], size: 7 },
  }));
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: axes.x ?? 'scale (log)' }, type: 'log' },
      yaxis: { title: { text: 'held-out token accuracy (%)' }, range: [0, 105] },
      legend: { orientation: 'h', y: -0.25 },
    },
  };
}

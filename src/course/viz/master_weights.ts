/**
 * Lesson 2's figure of what float32 master weights keep: the share of an optimizer step's updates that a weight
 * stored in each format would round away, by learning rate (lostUpdates' rows in, a plotly spec out).
 */
import { OptionError } from '../../mp/errors';
import type { LostUpdateRow } from '../experiments/lost_updates';
import type { Figure, Trace } from './figure';

/**
 * One line per storage format: the % of weights whose step is lost, against the learning rate (log scale), with
 * a dashed vertical line at `marked` (the rate the model was trained with).
 *
 *     lostUpdatesFigure(await lostUpdates(model), 1e-3)
 */
export function lostUpdatesFigure(rows: readonly LostUpdateRow[], marked?: number): Figure {
  if (rows.length === 0) throw new OptionError('Need at least one row to draw.', 'rows', rows);
  const formats = [...new Set(rows.map((r) => r.format))];
  const data: Trace[] = formats.map((format) => {
    const mine = rows.filter((r) => r.format === format).sort((a, b) => a.learningRate - b.learningRate);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: `weights stored in ${format}`,
      x: mine.map((r) => r.learningRate),
      y: mine.map((r) => 100 * r.lost),
    };
  });
  if (marked !== undefined) {
    // a vertical trace, not a layout shape: it sits on the log axis like the data and shows in the legend
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `the rate it was trained with (${marked})`,
      x: [marked, marked],
      y: [0, 100],
      line: { dash: 'dash', color: 'gray' },
    });
  }
  return {
    data,
    layout: {
      title: { text: "What share of Adam's steps would weights stored in 16 bits round away?" },
      xaxis: {
        title: { text: 'learning rate (log scale)' },
        type: 'log',
        exponentformat: 'power',
      },
      yaxis: { title: { text: 'weights whose step is lost (%)' }, range: [0, 100] },
    },
  };
}

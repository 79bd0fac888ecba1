/**
 * Figures for the lesson on numerical problems: how a measured error grows against reference lines, each
 * reference in its own grey dash style and legend entry, so that a bound and a constant are never confused.
 *
 *     showFigure(errorGrowthFigure('Relative error of a sum', counts, { naive: errors }, { 'bound (n − 1)·u': bound }));
 */
import { checkOptionKeys, OptionError } from '../../mp/errors';
import type { Figure, Trace } from './figure';

/** Dash styles and greys for reference lines, in order: dashed dark grey, dotted mid grey, dash-dot light grey. */
const REFERENCE_STYLES = [
  { dash: 'dash', color: '#444444' },
  { dash: 'dot', color: '#777777' },
  { dash: 'dashdot', color: '#aaaaaa' },
] as const;

/**
 * Solid lines for measured `series` and grey reference lines (dashed, then dotted, then dash-dot) for
 * `references`, all over the shared `x`. On a log axis a value ≤ 0 has no place: it becomes a gap.
 */
export function errorGrowthFigure(
  title: string,
  x: readonly number[],
  series: Readonly<Record<string, readonly number[]>>,
  references: Readonly<Record<string, readonly number[]>> = {},
  axes: { x?: string; y?: string; logX?: boolean; logY?: boolean } = {},
): Figure {
  checkOptionKeys('errorGrowthFigure', axes, ['x', 'y', 'logX', 'logY']);
  const refs = Object.entries(references);
  if (refs.length > REFERENCE_STYLES.length) {
    throw new OptionError(
      `references can hold at most ${REFERENCE_STYLES.length} lines, one per style. Received: ${refs.length}`,
      'references',
      refs.length,
    );
  }
  for (const [name, y] of [...Object.entries(series), ...refs]) {
    if (y.length !== x.length)
      throw new OptionError(`${name} has ${y.length} values for ${x.length} x values.`, 'series', name);
  }
  // NaN is a gap (JSON writes it as null, which plotly skips)
  const plotted = (y: readonly number[]): number[] =>
    y.map((v) => (Number.isFinite(v) && (!axes.logY || v > 0) ? v : NaN));
  const data: Trace[] = [
    ...Object.entries(series).map(([name, y]) => ({ type: 'scatter', mode: 'lines', name, x, y: plotted(y) }) as const),
    ...refs.map(
      ([name, y], i) =>
        ({
          type: 'scatter',
          mode: 'lines',
          name,
          x,
          y: plotted(y),
          line: { ...REFERENCE_STYLES[i]!, width: 1.5 },
        }) as const,
    ),
  ];
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: axes.x ?? '' }, ...(axes.logX ? { type: 'log' } : {}) },
      yaxis: { title: { text: axes.y ?? '' }, ...(axes.logY ? { type: 'log' } : {}) },
    },
  };
}

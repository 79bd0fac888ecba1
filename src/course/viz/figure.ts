/**
 * Plotly figure specs as plain data: builders take numbers in and give a figure out, and the display bridge
 * (display.ts) shows it. Only the fields the course uses are typed; plotly accepts the rest as they are.
 */
import { checkOptionKeys } from '../../mp/errors';

export interface Trace {
  readonly type?: 'scatter' | 'bar' | 'heatmap';
  readonly mode?: 'lines' | 'markers' | 'lines+markers' | 'markers+text' | 'text';
  readonly name?: string;
  readonly x?: readonly (number | string)[];
  readonly y?: readonly (number | string)[];
  readonly visible?: boolean;
  readonly [key: string]: unknown;
}

export interface Figure {
  readonly data: readonly Trace[];
  readonly layout: { readonly title?: string | { readonly text: string }; readonly [key: string]: unknown };
}

/** One line per series over a shared x axis. */
export function lineFigure(
  title: string,
  x: readonly number[],
  series: Readonly<Record<string, readonly number[]>>,
  axes: { x?: string; y?: string; logX?: boolean; logY?: boolean } = {},
): Figure {
  checkOptionKeys('lineFigure', axes, ['x', 'y', 'logX', 'logY']);
  return {
    data: Object.entries(series).map(([name, y]) => ({ type: 'scatter', mode: 'lines', name, x, y })),
    layout: {
      title: { text: title },
      xaxis: { title: { text: axes.x ?? '' }, ...(axes.logX ? { type: 'log' } : {}) },
      yaxis: { title: { text: axes.y ?? '' }, ...(axes.logY ? { type: 'log' } : {}) },
    },
  };
}

/** Bars, one group per series, over category labels. */
export function barFigure(
  title: string,
  categories: readonly string[],
  series: Readonly<Record<string, readonly number[]>>,
  axes: { y?: string; logY?: boolean } = {},
): Figure {
  checkOptionKeys('barFigure', axes, ['y', 'logY']);
  return {
    data: Object.entries(series).map(([name, y]) => ({ type: 'bar', name, x: categories, y })),
    layout: {
      title: { text: title },
      barmode: 'group',
      yaxis: { title: { text: axes.y ?? '' }, ...(axes.logY ? { type: 'log' } : {}) },
    },
  };
}

/**
 * Figures for the outlook lesson: where a tensor's values sit against several formats' ranges, and how FP8
 * delayed scales follow a tensor's amax over training.
 *
 *     showFigure(formatRangeFigure('Gradients vs formats', log2Histogram(g), ['float16', 'bfloat16']));
 *     showFigure(scaleTraceFigure('Delayed scaling', result.traces));
 */
import { OptionError } from '../../mp/errors';
import { getFloatFormat, type FormatLike } from '../../mp/formats/registry';
import type { Log2Histogram } from '../../mp/numerics/histogram';
import type { ScaleTrace } from '../../mp/quant/fp8_scaling';
import type { Figure, Trace } from './figure';

/**
 * Two panels on one log2 axis: above, the histogram (fraction of entries per log2 bin); below, one bar per
 * format from its smallest subnormal to its largest finite value, thin over the subnormals, thick over the
 * normal range. A value left of a format's bar rounds to 0 in it; right of it, overflows. The x axis spans the
 * histogram's bins and the narrower formats' tops (float32's bar runs off both ends).
 */
export function formatRangeFigure(title: string, histogram: Log2Histogram, formats: readonly FormatLike[]): Figure {
  if (formats.length === 0) throw new OptionError('formats must name at least one format.', 'formats', formats);
  const width = histogram.edges.length > 1 ? histogram.edges[1]! - histogram.edges[0]! : 1;
  const data: Trace[] = [
    {
      type: 'bar',
      name: 'values',
      x: histogram.edges.map((e) => e + width / 2),
      y: histogram.counts.map((c) => c / Math.max(histogram.total, 1)),
      width,
      showlegend: false,
    },
  ];
  // From the first bin to past the last bin or the largest finite value of the narrower formats (float32's and
  // bfloat16's 2^128 would squeeze the histogram).
  const tops = formats.map((f) => Math.log2(getFloatFormat(f).maxFinite)).filter((t) => t < 64);
  const xRange =
    histogram.edges.length > 0
      ? [histogram.edges[0]!, Math.max(histogram.edges[histogram.edges.length - 1]! + width, ...tops.map((t) => t + 1))]
      : undefined;
  const names: string[] = [];
  formats.forEach((format, i) => {
    const f = getFloatFormat(format);
    names.push(f.name);
    const lo = Math.log2(f.minSubnormal);
    const mid = Math.log2(f.minNormal);
    const hi = Math.log2(f.maxFinite);
    const color = PALETTE[i % PALETTE.length]!;
    const base = { type: 'scatter', mode: 'lines', yaxis: 'y2', showlegend: false, hoverinfo: 'text' } as const;
    data.push({
      ...base,
      name: `${f.name} subnormals`,
      x: [lo, mid],
      y: [f.name, f.name],
      line: { width: 4, color },
      opacity: 0.45,
      text: [`${f.name} smallest subnormal 2^${lo}`, `${f.name} smallest normal 2^${mid}`],
    });
    data.push({
      ...base,
      name: f.name,
      x: [mid, hi],
      y: [f.name, f.name],
      line: { width: 12, color },
      text: [`${f.name} smallest normal 2^${mid}`, `${f.name} largest 2^${hi.toFixed(2)}`],
    });
  });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'log₂ |x|' }, anchor: 'y2', range: xRange },
      yaxis: { title: { text: 'fraction of entries' }, domain: [0.45, 1] },
      yaxis2: {
        domain: [0, 0.35],
        type: 'category',
        categoryorder: 'array',
        categoryarray: [...names].reverse(),
        title: { text: '' },
        automargin: true,
      },
      height: 520,
    },
  };
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/**
 * For each traced tensor of an FP8 delayed-scaling run: its amax at each step and the amax its scale was set
 * from (the largest in its history: scale = maxFinite / that / 2^margin), on a log axis, with the steps where
 * values saturated marked. A dropdown picks the tensor; `initial` names the one shown first (default: the first).
 */
export function scaleTraceFigure(title: string, traces: readonly ScaleTrace[], initial?: string): Figure {
  if (traces.length === 0) throw new OptionError('traces must hold at least one trace.', 'traces', traces);
  const first = initial === undefined ? 0 : traces.findIndex((t) => t.tensor === initial);
  if (first < 0) {
    throw new OptionError(
      `initial must name a traced tensor: ${traces.map((t) => t.tensor).join(', ')}. Received: ${initial}`,
      'initial',
      initial,
      traces.map((t) => t.tensor),
    );
  }
  const data: Trace[] = [];
  traces.forEach((t, i) => {
    const steps = t.amax.map((_, k) => k + 1);
    const visible = i === first;
    data.push({ type: 'scatter', mode: 'lines', name: 'amax of this step', x: steps, y: t.amax, visible });
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: 'amax the scale was set from',
      x: steps,
      y: t.historyAmax.map((a) => (a > 0 ? a : NaN)), // NaN (JSON null): no history yet, scale 1
      line: { dash: 'dash' },
      visible,
    });
    const sat = steps.filter((_, k) => t.saturated[k]! > 0);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'values saturated',
      x: sat,
      y: sat.map((k) => t.amax[k - 1]!),
      marker: { symbol: 'x', size: 8, color: '#d62728' },
      visible,
    });
  });
  const buttons = traces.map((t, i) => ({
    label: `${t.tensor} (${t.format})`,
    method: 'update',
    args: [{ visible: data.map((_, j) => Math.floor(j / 3) === i) }, { title: { text: `${title}: ${t.tensor}` } }],
  }));
  return {
    data,
    layout: {
      title: { text: `${title}: ${traces[first]!.tensor}` },
      xaxis: { title: { text: 'training step' } },
      yaxis: { title: { text: 'amax (log scale)' }, type: 'log' },
      margin: { t: 110 },
      updatemenus: [{ buttons, active: first, x: 0, xanchor: 'left', y: 1.03, yanchor: 'bottom' }],
    },
  };
}

/**
 * Figures for numerical problems: log2 histograms with a format's range marked (the picture of Fig. 3 in
 * Micikevicius et al. 2018), and a dynamic loss scale over training with its skipped steps.
 *
 *     showFigure(log2HistogramFigure('Gradients', { unscaled: log2Histogram(g, { format: 'float16' }) }));
 *
 *     const rec = lossScaleRecorder(scaler);
 *     await trainMnist({ policy: 'mixed_float16', lossScale: scaler, progressEvery: 1, onProgress: rec.onProgress });
 *     showFigure(lossScaleFigure('Loss scale', rec.steps));
 */
import { checkOptionKeys, OptionError } from '../../mp/errors';
import type { LossScaler } from '../../mp/amp/loss_scaler';
import type { Log2Histogram } from '../../mp/numerics/histogram';
import type { Figure, Trace } from './figure';
import { progressDisplay, type ProgressLike } from './progress';

/** 2^e for whole e, else the value itself (float16's max finite is 2^15.9993: better shown as 65504). */
const pow2 = (e: number): string => (Number.isInteger(e) ? `2^${e}` : String(Number((2 ** e).toPrecision(6))));

/**
 * Overlaid bars, one series per histogram, of the fraction of all entries in each log2 bin (exact zeros and
 * inf/NaN have no bin). The first histogram's format range is marked: shaded where a value rounds to 0
 * (below half the smallest subnormal), shaded lighter over the subnormals, and a line at the largest finite
 * value.
 */
export function log2HistogramFigure(
  title: string,
  histograms: Readonly<Record<string, Log2Histogram>>,
  axes: { x?: string; y?: string; logY?: boolean } = {},
): Figure {
  checkOptionKeys('log2HistogramFigure', axes, ['x', 'y', 'logY']);
  const entries = Object.entries(histograms);
  if (entries.length === 0)
    throw new OptionError('histograms must hold at least one histogram.', 'histograms', histograms);
  const data: Trace[] = entries.map(([name, h]) => {
    const width = h.edges.length > 1 ? h.edges[1]! - h.edges[0]! : 1;
    return {
      type: 'bar',
      name,
      x: h.edges.map((e) => e + width / 2),
      y: h.counts.map((c) => c / Math.max(h.total, 1)),
      width,
      opacity: 0.6,
    };
  });
  const first = entries[0]![1];
  const lo = first.edges[0] ?? 0;
  const hi = first.edges.length > 0 ? first.edges[first.edges.length - 1]! + 1 : 1;
  const shapes: unknown[] = [];
  const annotations: unknown[] = [];
  const r = first.range;
  if (r) {
    const zeroEdge = r.minSubnormal - 1; // below 2^(minSubnormal−1) a value rounds to 0 (ties to even at the edge)
    const band = (x0: number, x1: number, color: string) =>
      shapes.push({
        type: 'rect',
        xref: 'x',
        yref: 'paper',
        x0,
        x1,
        y0: 0,
        y1: 1,
        fillcolor: color,
        line: { width: 0 },
        layer: 'below',
      });
    const line = (x: number) =>
      shapes.push({
        type: 'line',
        xref: 'x',
        yref: 'paper',
        x0: x,
        x1: x,
        y0: 0,
        y1: 1,
        line: { dash: 'dash', width: 1.5 },
      });
    const label = (x: number, text: string, y: number) =>
      annotations.push({ x, y, xref: 'x', yref: 'paper', text, showarrow: false, xanchor: 'left', font: { size: 11 } });
    band(Math.min(lo, zeroEdge), zeroEdge, 'rgba(214,39,40,0.15)');
    band(zeroEdge, r.minNormal, 'rgba(255,127,14,0.12)');
    line(r.minSubnormal);
    line(r.minNormal);
    line(r.maxFinite);
    label(Math.min(lo, zeroEdge), `→ 0 in ${r.format}`, 1.04);
    label(r.minSubnormal, `min subnormal ${pow2(r.minSubnormal)}`, 0.96);
    label(r.minNormal, `min normal ${pow2(r.minNormal)}`, 0.88);
    label(r.maxFinite, `max finite ${pow2(r.maxFinite)}`, 0.96);
  }
  return {
    data,
    layout: {
      title: { text: title },
      barmode: 'overlay',
      xaxis: {
        title: { text: axes.x ?? 'log₂ |x|' },
        range: [Math.min(lo, hi), Math.max(hi, r ? r.maxFinite + 2 : hi)],
      },
      yaxis: { title: { text: axes.y ?? 'fraction of entries' }, ...(axes.logY ? { type: 'log' } : {}) },
      shapes,
      annotations,
    },
  };
}

/** One training step of a loss-scaled run: the scale it used and whether it was skipped (inf/NaN gradients). */
export interface ScaleStep {
  readonly step: number;
  readonly scale: number;
  readonly skipped: boolean;
}

/**
 * An onProgress for trainMnist (run it with `progressEvery: 1`) that records, for every step, the loss scale
 * the step used and whether it was skipped; it also shows progress in place unless `show` is false.
 */
export function lossScaleRecorder(
  scaler: LossScaler,
  options: { label?: string; show?: boolean } = {},
): { readonly steps: readonly ScaleStep[]; readonly onProgress: (p: ProgressLike) => void } {
  checkOptionKeys('lossScaleRecorder', options, ['label', 'show']);
  const { label = 'loss-scaled run', show = true } = options;
  const draw = show ? progressDisplay(label) : undefined;
  const steps: ScaleStep[] = [];
  let scale = scaler.scale; // the scale the next step uses
  let skipped = scaler.stats.skipped;
  let last: { epoch: number; batch: number } | undefined;
  const onProgress = (p: ProgressLike): void => {
    draw?.(p);
    if (p.valAccuracy !== undefined) return; // the end-of-epoch report repeats the last batch
    if (p.scale === undefined || p.skipped === undefined) {
      throw new OptionError('Progress reports must carry scale and skipped (trainMnist reports them).', 'p', p);
    }
    const next = last && last.epoch === p.epoch ? last.batch + 1 : 1;
    if (p.batch !== next) {
      throw new OptionError(
        `Expected a report for batch ${next}, received batch ${p.batch}: train with progressEvery: 1 to record every step.`,
        'progressEvery',
        p.batch,
      );
    }
    last = { epoch: p.epoch, batch: p.batch };
    steps.push({ step: steps.length + 1, scale, skipped: p.skipped > skipped });
    scale = p.scale;
    skipped = p.skipped;
  };
  return { steps, onProgress };
}

/** The loss scale per step (log2 axis) with each skipped step marked. */
export function lossScaleFigure(title: string, steps: readonly ScaleStep[]): Figure {
  if (steps.length === 0) throw new OptionError('steps must hold at least one step.', 'steps', steps);
  const skipped = steps.filter((s) => s.skipped);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'loss scale S',
        x: steps.map((s) => s.step),
        y: steps.map((s) => Math.log2(s.scale)),
        line: { shape: 'hv' },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: `skipped step (inf/NaN gradient): ${skipped.length}`,
        x: skipped.map((s) => s.step),
        y: skipped.map((s) => Math.log2(s.scale)),
        marker: { symbol: 'x', size: 9, color: '#d62728' },
      },
    ],
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'training step' } },
      yaxis: { title: { text: 'log₂ S (scale used by the step)' }, dtick: 1 },
    },
  };
}

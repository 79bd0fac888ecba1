/**
 * Figures of lesson 5 (accuracy, speed and memory): numbers in, a plotly spec out. Colours are fixed per series
 * name, so a legend entry keeps its colour across figures and across the states of an interactive one.
 *
 *     showFigure(dotsFigure('Test accuracy per seed', { float32: [97.1, 96.9], bfloat16: [96.8, 96.7] }, { y: '%' }));
 */
import { checkOptionKeys, OptionError } from '../../mp/errors';
import type { Figure, Trace } from './figure';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

function finite(where: string, values: readonly number[]): void {
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new OptionError(`${where} must be finite numbers. Received: ${bad}`, where, bad);
}

/**
 * One column of dots per group (one dot per run), with each group's mean as a short bar where it has several
 * runs: the spread of runs against the gap between groups.
 */
export function dotsFigure(
  title: string,
  groups: Readonly<Record<string, readonly number[]>>,
  axes: { y?: string } = {},
): Figure {
  checkOptionKeys('dotsFigure', axes, ['y']);
  const names = Object.keys(groups);
  if (names.length === 0) throw new OptionError('dotsFigure needs at least one group.', 'groups', groups);
  names.forEach((n) => finite(`groups.${n}`, groups[n]!));
  const data: Trace[] = names.flatMap((name, i) => {
    const ys = groups[name]!;
    const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
    const color = PALETTE[i % PALETTE.length]!;
    const dots: Trace = {
      type: 'scatter',
      mode: 'markers',
      name,
      x: ys.map(() => name),
      y: ys,
      marker: { size: 9, color, opacity: 0.8 },
    };
    if (ys.length === 1) return [dots]; // a mean of one dot is the dot
    return [
      dots,
      {
        type: 'scatter',
        mode: 'markers',
        name: `${name}: mean`,
        x: [name],
        y: [mean],
        marker: { symbol: 'line-ew', size: 36, line: { width: 3, color } },
        showlegend: false,
      },
    ];
  });
  return {
    data,
    layout: {
      title: { text: title },
      showlegend: false,
      xaxis: { title: { text: '' }, automargin: true },
      yaxis: { title: { text: axes.y ?? '' }, automargin: true },
    },
  };
}

/** Stacked bars: one bar per category, one coloured segment per series. */
export function stackedBarFigure(
  title: string,
  categories: readonly string[],
  series: Readonly<Record<string, readonly number[]>>,
  axes: { x?: string; y?: string } = {},
): Figure {
  checkOptionKeys('stackedBarFigure', axes, ['x', 'y']);
  for (const [name, ys] of Object.entries(series)) {
    finite(`series.${name}`, ys);
    if (ys.length !== categories.length) {
      throw new OptionError(
        `series.${name} needs one value per category (${categories.length}). Received: ${ys.length}`,
        'series',
        name,
      );
    }
  }
  return {
    data: Object.entries(series).map(([name, y], i) => ({
      type: 'bar',
      name,
      x: categories,
      y,
      marker: { color: PALETTE[i % PALETTE.length] },
    })),
    layout: {
      title: { text: title },
      barmode: 'stack',
      xaxis: { title: { text: axes.x ?? '' }, automargin: true },
      yaxis: { title: { text: axes.y ?? '' }, automargin: true },
    },
  };
}

/** A compute ceiling of a roofline: peak arithmetic and the bandwidth that feeds it. */
export interface Roof {
  readonly name: string;
  readonly peakTFLOPs: number;
  readonly bandwidthTBs: number;
}

/** An operation placed on the roofline: its intensity and the throughput it reached. */
export interface RooflinePoint {
  readonly name: string;
  /** FLOPs per byte moved. */
  readonly intensity: number;
  readonly TFLOPs: number;
  /** The roof it belongs to (its colour). */
  readonly roof: string;
}

/**
 * The roofline model (Williams, Waterman and Patterson 2009): attainable throughput = min(peak, bandwidth ×
 * intensity), one roof per compute path, both axes logarithmic. The ridge, where the two limits meet, is at
 * intensity peak / bandwidth; measured operations are drawn as points under their roof.
 */
export function rooflineFigure(title: string, roofs: readonly Roof[], points: readonly RooflinePoint[]): Figure {
  if (roofs.length === 0) throw new OptionError('rooflineFigure needs at least one roof.', 'roofs', roofs);
  finite(
    'roofs',
    roofs.flatMap((r) => [r.peakTFLOPs, r.bandwidthTBs]),
  );
  finite(
    'points',
    points.flatMap((p) => [p.intensity, p.TFLOPs]),
  );
  const intensities = [...points.map((p) => p.intensity), ...roofs.map((r) => r.peakTFLOPs / r.bandwidthTBs)];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...intensities) / 2));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...intensities) * 2));
  const colorOf = (name: string) =>
    PALETTE[
      Math.max(
        0,
        roofs.findIndex((r) => r.name === name),
      ) % PALETTE.length
    ]!;
  const xs = Array.from({ length: 61 }, (_, i) => lo * (hi / lo) ** (i / 60));
  const data: Trace[] = [
    ...roofs.map((r) => ({
      type: 'scatter' as const,
      mode: 'lines' as const,
      name: `${r.name} roof (ridge at ${(r.peakTFLOPs / r.bandwidthTBs).toFixed(0)} FLOP/byte)`,
      x: [...xs, r.peakTFLOPs / r.bandwidthTBs].sort((a, b) => a - b),
      y: [...xs, r.peakTFLOPs / r.bandwidthTBs]
        .sort((a, b) => a - b)
        .map((x) => Math.min(r.peakTFLOPs, r.bandwidthTBs * x)),
      line: { color: colorOf(r.name), width: 2 },
    })),
    ...points.map((p) => ({
      type: 'scatter' as const,
      mode: 'markers+text' as const,
      name: p.name,
      x: [p.intensity],
      y: [p.TFLOPs],
      text: [p.name],
      textposition: 'top center',
      marker: { size: 10, color: colorOf(p.roof), line: { width: 1, color: 'black' } },
      showlegend: false,
    })),
  ];
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'arithmetic intensity (FLOP per byte moved, log scale)' }, type: 'log' },
      yaxis: { title: { text: 'TFLOP/s (log scale)' }, type: 'log' },
      legend: { orientation: 'h', y: -0.25 },
    },
  };
}

/**
 * A heatmap of accuracy drops (points) per layer and format: red where a format costs accuracy, blue where it
 * happens to gain, white at zero, each cell labelled with its value; the layer names get the margin they need.
 */
export function sensitivityHeatmapFigure(
  title: string,
  layers: readonly string[],
  formats: readonly string[],
  drops: readonly (readonly number[])[],
): Figure {
  if (drops.length !== layers.length || drops.some((row) => row.length !== formats.length)) {
    throw new OptionError(
      `drops must be ${layers.length} rows (layers) of ${formats.length} values (formats).`,
      'drops',
      drops.map((r) => r.length),
    );
  }
  drops.forEach((row, i) => finite(`drops[${i}]`, row));
  const reach = Math.max(1e-9, ...drops.flat().map(Math.abs));
  return {
    data: [
      {
        type: 'heatmap',
        x: formats,
        y: layers,
        z: drops,
        zmin: -reach,
        zmax: reach,
        // low (a gain) blue, zero white, high (a drop) red
        colorscale: [
          [0, '#2166ac'],
          [0.5, '#f7f7f7'],
          [1, '#b2182b'],
        ],
        text: drops.map((row) => row.map((d) => d.toFixed(2))),
        texttemplate: '%{text}',
        colorbar: { title: { text: 'drop (points)' } },
      },
    ],
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'format of the one layer rounded' }, automargin: true },
      yaxis: { title: { text: 'layer' }, automargin: true },
    },
  };
}

/** One setting of the memory calculator: its name and, per slider step, the bytes of each component per model. */
export interface MemorySetting {
  readonly name: string;
  /** steps × components × models, in GiB. */
  readonly gib: readonly (readonly (readonly number[])[])[];
}

/**
 * An interactive stacked-bar figure that renders offline (plotly's own updatemenus and sliders, no widgets):
 * one bar per model, one segment per memory component, a dropdown over settings (which traces show) and a
 * slider over a size such as the micro-batch (the bars' heights). The two controls change different trace
 * attributes (visible, y) of the same traces, named by index, so each keeps the other's choice. Dashed lines
 * mark device memory sizes; the axis ends at 1.5 times the largest, so a bar that runs off the top does not fit
 * (its hover label still gives its size).
 */
export function memoryCalculatorFigure(args: {
  title: string;
  models: readonly string[];
  components: readonly string[];
  settings: readonly MemorySetting[];
  steps: readonly string[];
  stepLabel: string;
  limits: readonly { name: string; gib: number }[];
}): Figure {
  checkOptionKeys('memoryCalculatorFigure', args, [
    'title',
    'models',
    'components',
    'settings',
    'steps',
    'stepLabel',
    'limits',
  ]);
  const { title, models, components, settings, steps, stepLabel, limits } = args;
  for (const s of settings) {
    const ok =
      s.gib.length === steps.length &&
      s.gib.every((c) => c.length === components.length && c.every((m) => m.length === models.length));
    if (!ok) {
      throw new OptionError(
        `setting ${s.name}: gib must be ${steps.length} steps × ${components.length} components × ${models.length} models.`,
        'settings',
        s.name,
      );
    }
    s.gib.forEach((c) => c.forEach((m) => finite(`settings.${s.name}`, m)));
  }
  const first = 0;
  const data: Trace[] = settings.flatMap((s, si) =>
    components.map((c, ci) => ({
      type: 'bar' as const,
      name: c,
      legendgroup: c,
      x: models,
      y: s.gib[first]![ci]!,
      visible: si === 0,
      marker: { color: PALETTE[ci % PALETTE.length] },
      hovertemplate: `${c}: %{y:.1f} GiB<extra>${s.name}</extra>`,
    })),
  );
  const indices = data.map((_, i) => i);
  const visibleFor = (si: number) => settings.flatMap((_, i) => components.map(() => i === si));
  const yAt = (step: number) => settings.flatMap((s) => components.map((_, ci) => s.gib[step]![ci]!));
  // device sizes as dashed lines across the plot, on a hidden x axis of their own: the controls never touch them
  const lines: Trace[] = limits.map((l) => ({
    type: 'scatter',
    mode: 'lines+text',
    name: l.name,
    x: [0, 1],
    y: [l.gib, l.gib],
    xaxis: 'x2',
    text: ['', l.name],
    textposition: 'top left',
    line: { dash: 'dash', color: '#444', width: 1 },
    showlegend: false,
    hoverinfo: 'skip',
  }));
  return {
    data: [...data, ...lines],
    layout: {
      title: { text: title },
      barmode: 'stack',
      xaxis: { title: { text: 'model' }, automargin: true },
      xaxis2: { overlaying: 'x', range: [0, 1], visible: false },
      // linear, so that stacked segments keep their proportions; bars that do not fit run off the top
      yaxis: {
        title: { text: 'GiB per GPU' },
        range: [0, 1.5 * Math.max(...limits.map((l) => l.gib))],
        automargin: true,
      },
      updatemenus: [
        {
          type: 'dropdown',
          x: 0,
          xanchor: 'left',
          y: 1.12,
          yanchor: 'bottom',
          active: 0,
          buttons: settings.map((s, si) => ({
            label: s.name,
            method: 'restyle',
            args: [{ visible: visibleFor(si) }, indices],
          })),
        },
      ],
      sliders: [
        {
          active: first,
          currentvalue: { prefix: `${stepLabel}: ` },
          pad: { t: 60 },
          steps: steps.map((label, i) => ({ label, method: 'restyle', args: [{ y: yAt(i) }, indices] })),
        },
      ],
    },
  };
}

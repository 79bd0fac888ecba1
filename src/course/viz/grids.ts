/**
 * Lesson 2's figures of number grids: how a float grid and an integer grid round, and when an integer grid's
 * parameters are chosen. Numbers in, a plotly spec out.
 */
import { OptionError } from '../../mp/errors';
import type { Figure, Trace } from './figure';

/** A log axis labelled in powers of ten (10⁻⁴), never in SI prefixes (plotly's default writes 1e-4 as "100µ"). */
const logAxis = (title: string): Record<string, unknown> => ({
  title: { text: title },
  type: 'log',
  exponentformat: 'power',
});

function checkSeries(x: readonly number[], series: Readonly<Record<string, readonly number[]>>): void {
  for (const [name, y] of Object.entries(series)) {
    if (y.length !== x.length) {
      throw new OptionError(`Series "${name}" has ${y.length} values for ${x.length} x values.`, 'series', name);
    }
  }
}

/**
 * The relative error |x̂ − x| / |x| of each grid, by magnitude, both axes logarithmic. A point with zero error
 * has no place on a log axis: it is left out, and the line breaks there.
 *
 *     gridErrorFigure(mags, { float16: errors16, 'int8, scale 1/127.5': errors8 })
 */
export function gridErrorFigure(
  magnitudes: readonly number[],
  series: Readonly<Record<string, readonly number[]>>,
): Figure {
  checkSeries(magnitudes, series);
  return {
    data: Object.entries(series).map(([name, y]) => ({
      type: 'scatter',
      mode: 'lines',
      name,
      x: magnitudes,
      y: y.map((e) => (e > 0 ? e : null)) as unknown as number[],
    })),
    layout: {
      title: { text: 'Which grid keeps small values? Relative rounding error by magnitude' },
      xaxis: logAxis('|x| (log scale)'),
      yaxis: logAxis('relative error |x̂ − x| / |x| (log scale)'),
    },
  };
}

/**
 * What a quantizer returns for a sweep of inputs: a staircase, one step per grid point, next to the line
 * x̂ = x that interpolating between neighbouring grid points would give back.
 *
 *     staircaseFigure(xs, fakeQuantized, 'quint8, scale 4/255, zero point 64')
 */
export function staircaseFigure(x: readonly number[], quantized: readonly number[], grid: string): Figure {
  checkSeries(x, { quantized });
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: `x̂: rounded to the grid (${grid})`,
        x,
        y: quantized,
        line: { shape: 'linear' },
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: 'x̂ = x: what interpolation between grid points returns',
        x,
        y: x,
        line: { dash: 'dot' },
      },
    ],
    layout: {
      title: { text: "Does quantization interpolate? The quantizer's output against its input" },
      xaxis: { title: { text: 'input x' } },
      yaxis: { title: { text: 'output x̂ (dequantized)' } },
    },
  };
}

/**
 * The scale of one activation tensor per inference batch under dynamic quantization, next to the one scale static
 * quantization fixed at calibration.
 *
 *     batchScaleFigure([0.028, 0.026, …], 0.0308)
 */
export function batchScaleFigure(perBatch: readonly number[], calibrated: number): Figure {
  const batches = perBatch.map((_, b) => b + 1);
  const traces: Trace[] = [
    { type: 'scatter', mode: 'lines+markers', name: 'dynamic: from each batch, at inference', x: batches, y: perBatch },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'static: calibrated once, after training',
      x: batches,
      y: perBatch.map(() => calibrated),
    },
  ];
  return {
    data: traces,
    layout: {
      title: { text: 'When is the activation scale chosen? Per inference batch (dynamic) or once (static)' },
      xaxis: { title: { text: 'inference batch (64 test images each)' } },
      yaxis: { title: { text: 'scale of the hidden activations (value per uint8 step)' }, rangemode: 'tozero' },
    },
  };
}

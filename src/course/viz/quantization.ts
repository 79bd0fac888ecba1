/**
 * The figure of lesson 2's comparison: each quantization method's test accuracy and model size side by side
 * (compareQuantization's rows in, a plotly spec out).
 *
 *     showFigure(quantizationFigure(compareQuantization(model).rows));
 */
import { OptionError } from '../../mp/errors';
import type { Figure } from './figure';

/** One quantization method's result on a test set. */
export interface QuantizationRow {
  readonly method: string;
  readonly testAccuracy: number;
  readonly bytes: number;
  readonly detail: string;
  /** Per test image, 1 where the model got it right: what McNemar's test pairs between two models. */
  readonly correct?: Uint8Array;
}

/**
 * Grouped bars, one group per method: test accuracy (%) on the left axis and model size (KB, 1 KB = 1000
 * bytes) on the right. The accuracy axis starts a few points below the lowest accuracy so that differences
 * of a fraction of a point stay visible; every bar carries its value as a label.
 */
export function quantizationFigure(
  rows: readonly QuantizationRow[],
  title = 'Quantized MNIST models: accuracy and size',
): Figure {
  if (rows.length === 0) throw new OptionError('Need at least one row to draw.', 'rows', rows);
  for (const r of rows) {
    if (!(r.testAccuracy >= 0 && r.testAccuracy <= 1) || !(r.bytes > 0 && Number.isFinite(r.bytes))) {
      throw new OptionError(
        `Each row needs a testAccuracy in [0, 1] and a finite size > 0 bytes. Received: ${r.method}: ` +
          `testAccuracy=${r.testAccuracy}, bytes=${r.bytes}`,
        'rows',
        r,
      );
    }
  }
  const methods = rows.map((r) => r.method);
  const accuracy = rows.map((r) => 100 * r.testAccuracy);
  const kb = rows.map((r) => r.bytes / 1000);
  const low = Math.max(0, Math.floor(Math.min(...accuracy)) - 5);
  return {
    data: [
      {
        type: 'bar',
        name: 'test accuracy (%)',
        x: methods,
        y: accuracy,
        text: accuracy.map((a) => `${a.toFixed(2)}%`),
        textposition: 'outside',
        offsetgroup: 'accuracy',
        yaxis: 'y',
      },
      {
        type: 'bar',
        name: 'model size (KB)',
        x: methods,
        y: kb,
        text: kb.map((k) => `${k.toFixed(1)} KB`),
        textposition: 'outside',
        offsetgroup: 'size',
        yaxis: 'y2',
      },
    ],
    layout: {
      title: { text: title },
      barmode: 'group',
      xaxis: { title: { text: 'method' } },
      yaxis: { title: { text: `test accuracy (%; axis starts at ${low}, not 0)` }, range: [low, 100.5] },
      yaxis2: {
        title: { text: 'model size (KB)' },
        overlaying: 'y',
        side: 'right',
        rangemode: 'tozero',
        range: [0, 1.15 * Math.max(...kb)],
        showgrid: false,
      },
      legend: { orientation: 'h', y: -0.25 },
    },
  };
}

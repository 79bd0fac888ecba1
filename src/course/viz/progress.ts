/**
 * Live training progress in a notebook: one output that is replaced in place (never a wall of lines), with a
 * bar, the running loss, the loss scale and skipped steps, and a sparkline of the loss so far.
 */
import { LiveDisplay } from './display';

/** What a training loop reports (trainMnist's Progress satisfies it). */
export interface ProgressLike {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
  readonly scale?: number;
  readonly skipped?: number;
  readonly valAccuracy?: number;
}

function sparkline(values: readonly number[], width = 240, height = 40): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return '';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const points = values
    .map((v, i) => {
      const x = (i / (values.length - 1)) * width;
      const y = height - ((Number.isFinite(v) ? v - lo : 0) / (hi - lo || 1)) * height;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  return `<svg width="${width}" height="${height}" style="vertical-align:middle"><polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${points}"/></svg>`;
}

function describe(label: string, p: ProgressLike): string {
  const parts = [
    `${label} epoch ${p.epoch + 1}/${p.epochs}`,
    `batch ${p.batch}/${p.batches}`,
    `loss ${p.loss.toFixed(4)}`,
  ];
  if (p.scale !== undefined && p.scale !== 1) parts.push(`scale 2^${Math.log2(p.scale).toFixed(0)}`);
  if (p.skipped) parts.push(`${p.skipped} skipped`);
  if (p.valAccuracy !== undefined) parts.push(`val acc ${(100 * p.valAccuracy).toFixed(2)}%`);
  return parts.join(' · ');
}

/**
 * Returns an onProgress callback for a training run. In a notebook it draws and redraws one display; in a
 * terminal it prints one line per epoch.
 *
 *     await trainMnist({ policy: 'mixed_float16', onProgress: progressDisplay('mixed_float16') })
 */
export function progressDisplay(label = 'training'): (p: ProgressLike) => void {
  const display = new LiveDisplay();
  const losses: number[] = [];
  return (p) => {
    losses.push(p.loss);
    const done = (p.epoch + p.batch / p.batches) / p.epochs;
    const html = `<div style="font-family:monospace"><progress value="${done.toFixed(4)}" max="1" style="width:240px"></progress> ${sparkline(losses)}<br>${describe(label, p)}</div>`;
    const text = describe(label, p);
    if (!display.show({ 'text/html': html, 'text/plain': text }) && p.valAccuracy !== undefined) console.log(text);
  };
}

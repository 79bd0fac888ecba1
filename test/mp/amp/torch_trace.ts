/** torch's GradScaler trace (test/fixtures/report.json) replayed through a DynamicLossScaler. */
import { DynamicLossScaler } from '../../../src/mp';
import { fixture } from '../../helpers';

export interface TraceStep {
  step: number;
  nonfinite: boolean;
  scale_before: number;
  skipped: boolean;
  scale_after: number;
}
interface Trace {
  config: { init_scale: number; growth_factor: number; backoff_factor: number; growth_interval: number };
  trace: TraceStep[];
}
export const report = fixture<{ gradscaler_trace: Trace; gradscaler_defaults: Record<string, number> }>('report.json');

/** Feeds each step's non-finite flag to `update` and records the scaler's state as torch's trace does. */
export function replayTorchTrace(update: (scaler: DynamicLossScaler, nonfinite: boolean) => void): {
  scaler: DynamicLossScaler;
  ours: TraceStep[];
  trace: TraceStep[];
} {
  const { config, trace } = report.gradscaler_trace;
  const scaler = new DynamicLossScaler({
    initScale: config.init_scale,
    growthFactor: config.growth_factor,
    backoffFactor: config.backoff_factor,
    growthInterval: config.growth_interval,
  });
  const ours = trace.map((t) => {
    const before = scaler.scale;
    const skippedBefore = scaler.stats.skipped;
    update(scaler, t.nonfinite);
    return { ...t, scale_before: before, skipped: scaler.stats.skipped > skippedBefore, scale_after: scaler.scale };
  });
  return { scaler, ours, trace };
}

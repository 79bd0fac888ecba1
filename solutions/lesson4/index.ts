/** Lesson 4: how a framework does it: loss scaling and master weights. */
import { roundValue } from '../../src/mp/index'; // SOLUTION ONLY

export interface ScalerState {
  scale: number;
  goodSteps: number;
}

export interface ScalerConfig {
  growthFactor: number;
  backoffFactor: number;
  growthInterval: number;
}

/** l4.q1: torch's GradScaler update after one step: back off and reset on inf/NaN; grow after growthInterval good steps. */
export function updateLossScale(state: ScalerState, foundInf: boolean, config: ScalerConfig): ScalerState {
  // BEGIN SOLUTION l4.q1
  if (foundInf) return { scale: state.scale * config.backoffFactor, goodSteps: 0 };
  const goodSteps = state.goodSteps + 1;
  if (goodSteps === config.growthInterval) return { scale: state.scale * config.growthFactor, goodSteps: 0 };
  return { scale: state.scale, goodSteps };
  // END SOLUTION
}

export interface MasterUpdate {
  master: number[];
  compute: number[];
}

/**
 * l4.q2: one SGD step with float32 master weights: master ← fl32(master − fl32(lr·grad)), then the float16 copy
 * the next forward pass uses: compute = round to float16 of the new master (roundValue(…, 'float16')).
 */
export function masterWeightStep(master: number[], grads: number[], lr: number): MasterUpdate {
  // BEGIN SOLUTION l4.q2
  const next = master.map((w, i) => Math.fround(w - Math.fround(lr * grads[i]!)));
  return { master: next, compute: next.map((w) => roundValue(w, 'float16')) };
  // END SOLUTION
}

export interface Unscaled {
  grads: number[];
  finite: boolean;
}

/** l4.q3: divide scaled gradients by the loss scale, and say whether every one is finite (else the step is skipped). */
export function unscaleGradients(scaled: number[], scale: number): Unscaled {
  // BEGIN SOLUTION l4.q3
  const grads = scaled.map((g) => g / scale);
  return { grads, finite: grads.every((g) => Number.isFinite(g)) };
  // END SOLUTION
}

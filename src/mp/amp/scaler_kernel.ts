/**
 * DynamicLossScaler's on-device update as one kernel on cpu and wasm, instead of ~25 scalar kernels per step:
 * the rule (scale_rule.ts) on float32 numbers, and the counts, from the scaler's tensors into new ones. Nothing
 * is read back. Elsewhere (WebGPU) the rule runs on tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { registerScalarKernel, type ReadInput } from '../ops/cpu_wasm';
import { onNumbers, lossScaleStep, tally, type LossScaleRule } from './scale_rule';

export const SCALER_KERNEL = 'MpDynamicScalerUpdate';

/** The kernel's inputs, in order: `found` (any dtype, nonzero = inf or NaN seen) and float32 scalars. */
export const SCALER_STATE = ['scale', 'goodSteps', 'hysteresisLeft', 'skipped', 'backoffs', 'growths'] as const;

/** The next state, in SCALER_STATE's order, from the kernel's inputs (read by `read`) and its rule (attrs). */
function nextOf(config: { attrs?: tf.NamedAttrMap }, read: ReadInput): number[] {
  const [scale, goodSteps, hysteresisLeft, skipped, backoffs, growths] = SCALER_STATE.map((name) => read(name)[0]!);
  const found = read('found')[0] !== 0;
  const rule = config.attrs as unknown as LossScaleRule;
  const next = lossScaleStep(
    onNumbers,
    { scale: scale!, goodSteps: goodSteps!, hysteresisLeft: hysteresisLeft! },
    found,
    rule,
  );
  const counts = { skipped: skipped!, backoffs: backoffs!, growths: growths! };
  const after = tally(onNumbers, counts, { skipped: found, backoffs: next.backoff, growths: next.grow });
  return [next.scale, next.goodSteps, next.hysteresisLeft, after.skipped, after.backoffs, after.growths];
}

registerScalarKernel(SCALER_KERNEL, SCALER_STATE.length, nextOf);

/** Whether the kernel runs on the current backend. */
export function scalerKernelApplies(): boolean {
  return tf.getKernel(SCALER_KERNEL, tf.getBackend()) !== undefined;
}

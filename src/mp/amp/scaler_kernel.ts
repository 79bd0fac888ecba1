/**
 * DynamicLossScaler's on-device update as one kernel on cpu and wasm, instead of ~25 scalar kernels per step:
 * the rule (scale_rule.ts) on float32 numbers, and the counts, from the scaler's tensors into new ones. Nothing
 * is read back. Elsewhere (WebGPU) the rule runs on tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { registerScalarKernel, type KernelCall } from '../ops/cpu_wasm';
import { KERNELS } from '../ops/kernel_names';
import { onNumbers, lossScaleStep, tally, type LossScaleRule } from './scale_rule';

/** The kernel's inputs, in order: `found` (any dtype, nonzero = inf or NaN seen) and float32 scalars. */
export const SCALER_STATE = ['scale', 'goodSteps', 'hysteresisLeft', 'skipped', 'backoffs', 'growths'] as const;

/** The next state, in SCALER_STATE's order, from the kernel's inputs and its rule (attrs). */
function next({ values, flag, attrs }: KernelCall<LossScaleRule>): number[] {
  const [scale, goodSteps, hysteresisLeft, skipped, backoffs, growths] = SCALER_STATE.map((name) => values(name)[0]!);
  const found = flag('found');
  const s = lossScaleStep(
    onNumbers,
    { scale: scale!, goodSteps: goodSteps!, hysteresisLeft: hysteresisLeft! },
    found,
    attrs,
  );
  const counts = { skipped: skipped!, backoffs: backoffs!, growths: growths! };
  const after = tally(onNumbers, counts, { skipped: found, backoffs: s.backoff, growths: s.grow });
  return [s.scale, s.goodSteps, s.hysteresisLeft, after.skipped, after.backoffs, after.growths];
}

registerScalarKernel(KERNELS.scalerUpdate, SCALER_STATE.length, next);

/** Whether the kernel runs on the current backend. */
export function scalerKernelApplies(): boolean {
  return tf.getKernel(KERNELS.scalerUpdate, tf.getBackend()) !== undefined;
}

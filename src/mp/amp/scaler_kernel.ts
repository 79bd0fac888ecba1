/**
 * DynamicLossScaler's on-device update as one kernel on cpu and wasm, instead of ~25 scalar kernels per step.
 * It follows the rule's tensor ops (loss_scaler.ts, adjustOnDevice) in float32, value for value:
 *     held = found ∧ hysteresisLeft > 1        backoff = found ∧ ¬held
 *     good = (goodSteps + 1)·¬found            grow = (good = growthInterval)
 *     scale' = backoff ? max(scale·backoffFactor, minScale) : grow ? min(scale·growthFactor, maxScale) : scale
 *     goodSteps' = grow ? 0 : good             hysteresisLeft' = grow ? hysteresis : hysteresisLeft − held
 *     skipped' = skipped + found               backoffs' = backoffs + backoff,   growths' = growths + grow
 * Its state stays in the scaler's tensors: nothing is read back. Elsewhere (WebGPU) the tensor ops run.
 */
import * as tf from '@tensorflow/tfjs';
import { registerScalarKernel, type ReadInput } from '../ops/cpu_wasm';

export const SCALER_KERNEL = 'MpDynamicScalerUpdate';

/** The kernel's inputs, in order: `found` (any dtype, nonzero = inf or NaN seen) and float32 scalars. */
export const SCALER_STATE = ['scale', 'goodSteps', 'hysteresisLeft', 'skipped', 'backoffs', 'growths'] as const;

export interface ScalerAttrs {
  backoffFactor: number;
  growthFactor: number;
  growthInterval: number;
  minScale: number;
  maxScale: number;
  hysteresis: number;
}

const f = Math.fround;

/** The next state, in SCALER_STATE's order. */
function next(
  found: boolean,
  [scale, goodSteps, left, skipped, backoffs, growths]: number[],
  o: ScalerAttrs,
): number[] {
  const held = found && left! > 1;
  const backoff = found && !held;
  const good = found ? 0 : f(goodSteps! + 1);
  const grow = good === f(o.growthInterval);
  const newScale = backoff
    ? Math.max(f(scale! * f(o.backoffFactor)), f(o.minScale))
    : grow
      ? Math.min(f(scale! * f(o.growthFactor)), f(o.maxScale))
      : scale!;
  return [
    newScale,
    grow ? 0 : good,
    grow ? f(o.hysteresis) : f(left! - Number(held)),
    f(skipped! + Number(found)),
    f(backoffs! + Number(backoff)),
    f(growths! + Number(grow)),
  ];
}

/** The next state from the kernel's inputs, read by `read`. */
function nextOf(config: { attrs?: tf.NamedAttrMap }, read: ReadInput): number[] {
  const state = SCALER_STATE.map((name) => read(name)[0]!);
  return next(read('found')[0] !== 0, state, config.attrs as unknown as ScalerAttrs);
}

registerScalarKernel(SCALER_KERNEL, SCALER_STATE.length, nextOf);

/** Whether the kernel runs on the current backend. */
export function scalerKernelApplies(): boolean {
  return tf.getKernel(SCALER_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * Convergence per optimizer step, from a run's progress reports. trainMnist reports the running mean of the
 * epoch's loss; the mean over each window between two reports is recovered from consecutive running means, so
 * runs can be compared at the same steps (what "converges faster" must mean before time per step enters).
 *
 *     const rec = windowLossRecorder('float32');
 *     await mp.trainMnist({ policy: 'float32', progressEvery: 5, onProgress: rec.onProgress });
 *     stepsToLoss(rec, 0.5);   // the first step whose window's mean loss is at most 0.5
 */
import { checkOptionKeys, OptionError } from '../../mp/errors';
import { progressDisplay, type ProgressLike } from '../viz/progress';

/** Mean training loss of each window of steps between two progress reports, at the window's last step. */
export interface WindowLosses {
  readonly label: string;
  readonly steps: readonly number[];
  readonly losses: readonly number[];
  readonly onProgress: (p: ProgressLike) => void;
}

/**
 * An onProgress for trainMnist that keeps the mean loss of each window between reports (and, unless `show` is
 * false, draws the live progress line). The end-of-epoch report repeats the epoch's last batch and is skipped.
 */
export function windowLossRecorder(label: string, options: { show?: boolean } = {}): WindowLosses {
  checkOptionKeys('windowLossRecorder', options, ['show']);
  const draw = options.show === false ? undefined : progressDisplay(label);
  const steps: number[] = [];
  const losses: number[] = [];
  let last = { epoch: -1, batch: 0, mean: 0 };
  const onProgress = (p: ProgressLike): void => {
    draw?.(p);
    if (p.valAccuracy !== undefined) return;
    const [from, sum] = p.epoch === last.epoch ? [last.batch, last.batch * last.mean] : [0, 0];
    losses.push((p.batch * p.loss - sum) / (p.batch - from));
    steps.push(p.epoch * p.batches + p.batch);
    last = { epoch: p.epoch, batch: p.batch, mean: p.loss };
  };
  return { label, steps, losses, onProgress };
}

/** The first step whose window's mean loss is at most `target`, or null if the run never got there. */
export function stepsToLoss(run: Pick<WindowLosses, 'steps' | 'losses'>, target: number): number | null {
  if (!Number.isFinite(target))
    throw new OptionError(`target must be a finite loss. Received: ${target}`, 'target', target);
  const i = run.losses.findIndex((l) => l <= target);
  return i < 0 ? null : run.steps[i]!;
}

/**
 * trainMnist's options and result, and where a cached run came from. They live apart from the loop (train.ts)
 * and the run cache (run_cache.ts), which both use them: the loop hands a run to the cache, so kept in either
 * file they would make the two import each other.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LossScaler, ScalerStats } from '../../mp/amp/loss_scaler';
import type { Policy } from '../../mp/amp/policy';
import type { WeightUpdate } from '../../mp/amp/weight_update';
import type { RunOptions, RunResult } from './epochs';
import type { OptimizerOptions } from './optimizers';

export interface TrainOptions extends RunOptions, OptimizerOptions {
  readonly policy?: string | Policy;
  /** `dynamic` (torch's rule), `none`, a fixed scale, or a scaler. Default: dynamic where the policy needs it. */
  readonly lossScale?: 'dynamic' | 'none' | number | LossScaler;
  /**
   * Multiplies the loss before differentiation, shrinking every gradient by the same factor (as averaging
   * over many micro-batches does). Used to show float16 gradients underflowing.
   */
  readonly lossMultiplier?: number;
  /**
   * How a pure policy's 16-bit weights take each update (weight_update.ts): `nearest` (default), `stochastic`
   * or `kahan`. Mixed policies keep float32 master weights and take only `nearest`.
   */
  readonly weightUpdate?: WeightUpdate;
  /** Return the trained model (the caller disposes it) instead of disposing it. */
  readonly keepModel?: boolean;
  /**
   * Reuse a finished run with the same options from the run cache, or train and store it there
   * (run_cache.ts: `.cache/runs/` in the course folder, or `dir`). The result says which, in `cache`.
   */
  readonly cache?: boolean | { readonly dir: string };
}

export interface TrainResult extends RunResult {
  readonly scaler: ScalerStats & { readonly finalScale: number; readonly enabled: boolean };
  /** The trained model, with keepModel. */
  readonly model?: tf.Sequential;
  /** With the cache option: whether the run came from the cache, and its entry. */
  readonly cache?: CacheInfo;
}

/** Where a run came from: the cache (`hit`) or training now, and its entry. */
export interface CacheInfo {
  readonly hit: boolean;
  readonly file: string;
  /** When the run was trained (ISO date). */
  readonly trainedAt: string;
}

/**
 * Time per training step of the seed's MLP under several policies, measured in alternating rounds so that
 * the noise of a shared machine falls on every policy alike (the fair way to take ratios). Each step is what
 * trainMnist runs: forward, softmax loss, backward and an Adam update through the LossScaleOptimizer (with
 * a dynamic loss scale where the policy needs one), on one real MNIST batch.
 *
 *     await timeTrainingSteps(['float32', 'mixed_bfloat16'])   // [{ policy, msPerStep, relative: 1 }, { ..., relative: 1.1 }]
 *     await timeTrainingSteps(['float32', 'mixed_float16'], { clock: 'wall' })   // on WebGPU
 */
import * as tf from '@tensorflow/tfjs';
import { LossScaleOptimizer } from '../../mp/amp/optimizer';
import { policy as toPolicy } from '../../mp/amp/policy';
import { checkChoice, checkOptionKeys, OptionError } from '../../mp/errors';
import { batchTensors } from './batches';
import { loadMnist } from './mnist';
import { buildMlp, forward, MNIST_MLP, softmaxLoss } from './seed_mlp';
import { makeScaler } from './train';

export interface StepTimeOptions {
  /** Timed rounds; each round runs `stepsPerRound` steps of every policy in turn. Default 10. */
  readonly rounds?: number;
  readonly stepsPerRound?: number;
  readonly batchSize?: number;
  /** Untimed steps per policy first (JIT, kernel set-up, Adam's state). Default 10. */
  readonly warmupSteps?: number;
  /**
   * `cpu` (default): this process's CPU time (process.cpuUsage), which other programs on a busy machine barely
   * disturb, since the wasm and cpu backends compute on this thread; `wall`: elapsed time (use it for a backend
   * that computes elsewhere, such as a GPU).
   */
  readonly clock?: StepClock;
}

export const STEP_CLOCKS = ['cpu', 'wall'] as const;
export type StepClock = (typeof STEP_CLOCKS)[number];

export interface StepTiming {
  readonly policy: string;
  /** Median milliseconds per step over the rounds. */
  readonly msPerStep: number;
  /** msPerStep divided by the first policy's. */
  readonly relative: number;
  /** Milliseconds per step in each round. */
  readonly samples: readonly number[];
  readonly clock: StepClock;
}

function integerAtLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new OptionError(`${name} must be an integer ≥ ${min}. Received: ${String(value)}`, name, value);
  }
  return value;
}

/**
 * Median ms per training step of the seed's MLP for each policy (see the file comment). Waits for each round's
 * last update with an awaited read, so it runs on every backend.
 */
export async function timeTrainingSteps(
  policies: readonly string[],
  options: StepTimeOptions = {},
): Promise<StepTiming[]> {
  checkOptionKeys('timeTrainingSteps', options, ['rounds', 'stepsPerRound', 'batchSize', 'warmupSteps', 'clock']);
  if (!Array.isArray(policies) || policies.length === 0) {
    throw new OptionError('policies must be a non-empty list of policy names.', 'policies', policies);
  }
  const rounds = integerAtLeast('rounds', options.rounds ?? 10, 1);
  const stepsPerRound = integerAtLeast('stepsPerRound', options.stepsPerRound ?? 10, 1);
  const batchSize = integerAtLeast('batchSize', options.batchSize ?? MNIST_MLP.batchSize, 1);
  const warmupSteps = integerAtLeast('warmupSteps', options.warmupSteps ?? 10, 0);
  const clock = checkChoice('clock', options.clock ?? 'cpu', STEP_CLOCKS);
  const now = (): number => {
    if (clock === 'wall') return performance.now();
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const resolved = policies.map((p) => toPolicy(p));
  const { train } = loadMnist();
  const { x, y } = batchTensors(
    train,
    Int32Array.from({ length: Math.min(batchSize, train.count) }, (_, i) => i),
  );

  const runs = resolved.map((p) => {
    const model = buildMlp(p);
    const scaler = makeScaler(undefined, p);
    const optimizer = new LossScaleOptimizer(tf.train.adam(MNIST_MLP.learningRate), scaler, p.variable);
    const step = (): void => {
      optimizer.minimize(() => tf.tidy(() => softmaxLoss(y, forward(model, x))));
    };
    return { p, model, optimizer, step, samples: [] as number[] };
  });
  try {
    for (const run of runs) for (let i = 0; i < warmupSteps; i++) run.step();
    for (let r = 0; r < rounds; r++) {
      // each round starts with the next policy, so that no policy always runs first (after a pause, a GC, ...)
      for (const run of [...runs.slice(r % runs.length), ...runs.slice(0, r % runs.length)]) {
        const t0 = now();
        for (let i = 0; i < stepsPerRound; i++) run.step();
        await run.model.layers[0]!.getWeights()[0]!.data(); // the wait for the last update
        run.samples.push((now() - t0) / stepsPerRound);
      }
    }
    const median = (s: readonly number[]): number => [...s].sort((a, b) => a - b)[s.length >> 1]!;
    const base = median(runs[0]!.samples);
    return runs.map((run) => ({
      policy: run.p.name,
      msPerStep: median(run.samples),
      relative: median(run.samples) / base,
      samples: run.samples,
      clock,
    }));
  } finally {
    for (const run of runs) {
      run.model.dispose();
      run.optimizer.dispose();
    }
    tf.dispose([x, y]);
  }
}

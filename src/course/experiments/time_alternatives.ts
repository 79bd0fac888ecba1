/**
 * Times a few functions against one another in interleaved rounds, the way timeTrainingSteps times policies:
 * each round runs every function `repeats` times, starting with the next one in turn, so that a pause or a busy
 * neighbour falls on all of them alike. The result feeds compareTimings, which turns it into a sentence.
 *
 *     const timed = timeAlternatives({ float32: () => product(a, b), bfloat16: () => product(qa, qb) });
 *     compareTimings(timed)[0].sentence;   // 'bfloat16 is 1.31× slower than float32 (95 % interval …)'
 */
import { checkChoice, checkOptionKeys, OptionError } from '../../mp/errors';
import { STEP_CLOCKS, type StepClock } from './step_time';
import type { TimedAlternative } from './timing';

export interface TimeAlternativesOptions {
  /** Timed rounds. Default 10 (compareTimings needs at least 5). */
  readonly rounds?: number;
  /** Calls of each function per round; the sample is their mean. Default 5. */
  readonly repeats?: number;
  /** Untimed calls of each function first (JIT, caches). Default 3. */
  readonly warmup?: number;
  /** `cpu` (default): this process's CPU time, which a busy machine barely disturbs; `wall`: elapsed time. */
  readonly clock?: StepClock;
}

function countAtLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new OptionError(`${name} must be an integer ≥ ${min}. Received: ${String(value)}`, name, value);
  }
  return value;
}

/**
 * Milliseconds per call of each function, one sample per round, in the order the functions are given. The
 * functions must finish their work before they return (read a tensor's data, not just schedule it).
 */
export function timeAlternatives(
  alternatives: Readonly<Record<string, () => unknown>>,
  options: TimeAlternativesOptions = {},
): TimedAlternative[] {
  checkOptionKeys('timeAlternatives', options, ['rounds', 'repeats', 'warmup', 'clock']);
  const entries = Object.entries(alternatives ?? {});
  if (entries.length < 2 || !entries.every(([, f]) => typeof f === 'function')) {
    throw new OptionError(
      'timeAlternatives needs an object of at least two functions, by name.',
      'alternatives',
      alternatives,
    );
  }
  const rounds = countAtLeast('rounds', options.rounds ?? 10, 1);
  const repeats = countAtLeast('repeats', options.repeats ?? 5, 1);
  const warmup = countAtLeast('warmup', options.warmup ?? 3, 0);
  const clock = checkChoice('clock', options.clock ?? 'cpu', STEP_CLOCKS);
  const now = (): number => {
    if (clock === 'wall') return performance.now();
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const samples = entries.map(() => [] as number[]);
  for (const [, f] of entries) for (let i = 0; i < warmup; i++) f();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < entries.length; k++) {
      const which = (r + k) % entries.length; // each round starts with the next function
      const f = entries[which]![1];
      const t0 = now();
      for (let i = 0; i < repeats; i++) f();
      samples[which]!.push((now() - t0) / repeats);
    }
  }
  return entries.map(([policy], i) => ({ policy, samples: samples[i]! }));
}

/**
 * Lesson 2's open task: a small two-layer ReLU network whose hidden channels were skewed by powers of two
 * (2^−spread … 2^spread), and the measure of a student's answer to it. The answer is one factor per hidden
 * channel; scaleChannels applies them (the float network computes the same), static PTQ converts the result
 * (int8 weights per channel, one uint8 scale per activation, min/max calibration) and the score is the int8
 * network's signal-to-quantization-noise ratio on held-out inputs, in dB: 10·log10(Σ y² / Σ (ŷ − y)²).
 *
 *     const task = equalizationTask();
 *     equalizationSqnr(task, new Array(task.hidden).fill(1))   // the skewed network as it is: a low SQNR
 *     measureEqualization((net) => new Array(net.hidden).fill(1)).sqnr   // the same, through an answer function
 */
import seedrandom from 'seedrandom';
import { OptionError } from '../../mp/errors';
import { staticQuantize } from '../models/ptq';
import { scaleChannels } from '../models/rescale';
import { denseForward, type DenseLayerWeights } from '../models/stack';

/** What the student's function receives: the network's weights and the inputs static PTQ calibrates on. */
export interface EqualizationNet {
  readonly inputs: number;
  readonly hidden: number;
  readonly outputs: number;
  /** inputs × hidden, row-major: kernel1[i * hidden + c] connects input i to hidden channel c. */
  readonly kernel1: readonly number[];
  readonly bias1: readonly number[];
  /** hidden × outputs, row-major. */
  readonly kernel2: readonly number[];
  readonly bias2: readonly number[];
  /** rows × inputs, row-major: the calibration inputs (values in [0, 1), like pixels). */
  readonly calibration: readonly number[];
}

/** The network, and the held-out inputs its score is measured on. */
export interface EqualizationTask extends EqualizationNet {
  /** Held-out inputs the score is measured on (the student never sees them). */
  readonly evaluation: readonly number[];
}

const INPUTS = 16;
const HIDDEN = 8;
const OUTPUTS = 4;

/** The seeded task: weights drawn normal, hidden channels skewed by 2^−spread … 2^spread. */
export function equalizationTask(seed = 0, spread = 5): EqualizationTask {
  const rand = seedrandom.alea(`equalize-${seed}`);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const draw = (n: number, std: number): number[] => Array.from({ length: n }, () => Math.fround(std * normal()));
  const skew = Array.from({ length: HIDDEN }, (_, c) => 2 ** (c % 2 === 0 ? -spread + c : spread - c));
  const base: DenseLayerWeights[] = [
    {
      inputs: INPUTS,
      outputs: HIDDEN,
      kernel: Float32Array.from(draw(INPUTS * HIDDEN, 0.5)),
      bias: Float32Array.from(draw(HIDDEN, 0.1)),
      relu: true,
    },
    {
      inputs: HIDDEN,
      outputs: OUTPUTS,
      kernel: Float32Array.from(draw(HIDDEN * OUTPUTS, 0.7)),
      bias: Float32Array.from(draw(OUTPUTS, 0.1)),
      relu: false,
    },
  ];
  const [l1, l2] = scaleChannels(base, 0, skew);
  const rows = (n: number): number[] => Array.from({ length: n * INPUTS }, () => Math.fround(rand()));
  return {
    inputs: INPUTS,
    hidden: HIDDEN,
    outputs: OUTPUTS,
    kernel1: Array.from(l1!.kernel),
    bias1: Array.from(l1!.bias),
    kernel2: Array.from(l2!.kernel),
    bias2: Array.from(l2!.bias),
    calibration: rows(256),
    evaluation: rows(512),
  };
}

/**
 * What an answer sees of the task: the network and its calibration inputs, without the held-out inputs.
 *
 *     equalizeChannels(netOf(equalizationTask()))
 */
export function netOf(task: EqualizationTask): EqualizationNet {
  const { inputs, hidden, outputs, kernel1, bias1, kernel2, bias2, calibration } = task;
  return { inputs, hidden, outputs, kernel1, bias1, kernel2, bias2, calibration };
}

/** The network as a stack of dense layers. */
export function stackOf(net: EqualizationNet): DenseLayerWeights[] {
  return [
    {
      inputs: net.inputs,
      outputs: net.hidden,
      kernel: Float32Array.from(net.kernel1),
      bias: Float32Array.from(net.bias1),
      relu: true,
    },
    {
      inputs: net.hidden,
      outputs: net.outputs,
      kernel: Float32Array.from(net.kernel2),
      bias: Float32Array.from(net.bias2),
      relu: false,
    },
  ];
}

/**
 * The SQNR (dB) of the static int8 version of `task`'s network with its hidden channels scaled by `factors`,
 * on the held-out inputs. Throws an OptionError unless `factors` is one finite number > 0 per hidden channel.
 */
export function equalizationSqnr(task: EqualizationTask, factors: readonly number[]): number {
  if (!Array.isArray(factors)) {
    throw new OptionError(`factors must be an array of ${task.hidden} numbers.`, 'factors', factors);
  }
  const stack = scaleChannels(stackOf(task), 0, factors);
  const rows = task.evaluation.length / task.inputs;
  const x = Float32Array.from(task.evaluation);
  const exact = stack.reduce<Float32Array>((h, l) => denseForward(l, h, rows), x);
  const int8 = staticQuantize(stack, [Float32Array.from(task.calibration)]).predict(x, rows);
  let signal = 0;
  let noise = 0;
  exact.forEach((y, i) => {
    signal += y * y;
    noise += (int8[i]! - y) ** 2;
  });
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
}

/** What an answer to the task achieves: its SQNR, and the SQNR of the network as given, in dB. */
export interface EqualizationScore {
  readonly sqnr: number;
  readonly asGiven: number;
}

/**
 * Runs an answer to the task as the grader does: `answer` sees the network and its calibration inputs, never
 * the held-out inputs the score is measured on.
 *
 *     measureEqualization((net) => new Array(net.hidden).fill(1))   // { sqnr: ≈13, asGiven: ≈13 }
 */
export function measureEqualization(answer: (net: EqualizationNet) => number[], seed = 0): EqualizationScore {
  const task = equalizationTask(seed);
  return {
    sqnr: equalizationSqnr(task, answer(netOf(task))),
    asGiven: equalizationSqnr(task, new Array<number>(task.hidden).fill(1)),
  };
}

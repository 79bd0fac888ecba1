/**
 * A trained model made hard to quantize without changing it: each hidden channel of the first layer is
 * scaled by its own power of two, 2^−spread … 2^spread (drawn with a seed), and the next layer undoes it
 * (scaleChannels), so the float model's logits are bit-identical. Channels with very different ranges are
 * what batch-norm folding leaves in real networks; per-tensor activation quantization then gives the small
 * channels few levels.
 *
 *     const { stack: skewed, factors } = skewChannels(stack);   // same logits, a harder int8 conversion
 */
import seedrandom from 'seedrandom';
import { checkOptionKeys, OptionError } from '../../mp/errors';
import { scaleChannels } from '../models/rescale';
import type { DenseLayerWeights } from '../models/stack';

export interface SkewOptions {
  /** Factors range over 2^−spread … 2^spread (whole powers; default 4). */
  readonly spread?: number;
  readonly seed?: number;
}

export function skewChannels(
  stack: readonly DenseLayerWeights[],
  options: SkewOptions = {},
): { stack: DenseLayerWeights[]; factors: number[] } {
  checkOptionKeys('skewChannels', options, ['spread', 'seed']);
  const { spread = 4, seed = 0 } = options;
  if (!Number.isInteger(spread) || spread < 0 || spread > 30) {
    throw new OptionError(`spread must be a whole number in 0..30. Received: spread=${spread}`, 'spread', spread);
  }
  const rand = seedrandom.alea(`skew-${seed}`);
  const factors = Array.from({ length: stack[0]!.outputs }, () => 2 ** Math.round((2 * rand() - 1) * spread));
  return { stack: scaleChannels(stack, 0, factors), factors };
}

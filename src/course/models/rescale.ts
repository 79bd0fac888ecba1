/**
 * Rescaling a hidden layer's channels without changing what the network computes. ReLU commutes with a
 * positive factor, relu(f·z) = f·relu(z), so multiplying channel c of a ReLU layer (its kernel column and its
 * bias) by f_c and dividing the next layer's input row c by f_c gives the same outputs. Powers of two give the
 * same outputs bit for bit, as every product and sum is only shifted in exponent. The float model does not see
 * the change; a quantizer that gives all channels of a tensor one scale does. Nagel et al. (2019, "Data-Free
 * Quantization Through Weight Equalization and Bias Correction") use this to equalize channel ranges before
 * quantization; torch.ao.quantization._equalize implements their cross_layer_equalization.
 *
 *     const same = scaleChannels(stack, 0, Array(64).fill(2));   // layer 0's outputs doubled, layer 1's rows halved
 */
import { OptionError } from '../../mp/errors';
import type { DenseLayerWeights } from './stack';

/** A copy of `stack` with the output channels of layer `k` (a ReLU layer with a layer after it) scaled by `factors`. */
export function scaleChannels(
  stack: readonly DenseLayerWeights[],
  k: number,
  factors: readonly number[],
): DenseLayerWeights[] {
  const layer = stack[k];
  const next = stack[k + 1];
  if (!layer || !next || !layer.relu) {
    throw new OptionError(
      `Layer ${k} must be a ReLU layer with another layer after it (relu(f·z) = f·relu(z) is what keeps the ` +
        `outputs). Received a stack of ${stack.length} layers` +
        (!layer ? '' : !next ? `, and layer ${k} is the last` : `, and layer ${k} has no ReLU`) +
        '.',
      'k',
      k,
    );
  }
  if (factors.length !== layer.outputs || !factors.every((f) => f > 0 && Number.isFinite(f))) {
    throw new OptionError(
      `Need ${layer.outputs} finite factors > 0, one per channel of layer ${k}. ` +
        `Received ${factors.length}: ${JSON.stringify(factors.slice(0, 8))}${factors.length > 8 ? '…' : ''}`,
      'factors',
      factors,
    );
  }
  const scaled: DenseLayerWeights = {
    ...layer,
    kernel: layer.kernel.map((w, i) => w * factors[i % layer.outputs]!),
    bias: layer.bias.map((b, c) => b * factors[c]!),
  };
  const rescaled: DenseLayerWeights = {
    ...next,
    kernel: next.kernel.map((w, i) => w / factors[Math.floor(i / next.outputs)]!),
  };
  return stack.map((l, i) => (i === k ? scaled : i === k + 1 ? rescaled : l));
}

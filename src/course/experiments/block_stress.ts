/**
 * A trained block under growing activations: each copy computes the same function in exact arithmetic
 * (TransformerBlock.rescaled), so float32 keeps its accuracy at every scale and any loss is the format's. Each
 * configuration is a block variant and a Precision (where its ops run).
 *
 *     const rows = await stressBlock(block, 'residual', [1, 32, 1024], {
 *       'autocast table': { precision: new Precision('mixed_float16') },
 *       'layer_norm in float16': { precision: new Precision('mixed_float16', { layer_norm: 'compute' }) },
 *     });
 */
import * as tf from '@tensorflow/tfjs';
import { checkChoice } from '../../mp/errors';
import { Precision, type Rescaling, type TransformerBlock } from '../models/transformer_block';
import { evalSequences, evaluateBlock } from './block_training';

export const STRESS_KINDS = ['residual', 'queryKey'] as const;
export type StressKind = (typeof STRESS_KINDS)[number];

/** One configuration: where the ops run, and optionally where the attention scale goes. */
export interface StressConfig {
  readonly precision: Precision;
  readonly scaleFirst?: boolean;
}

/** One scale: each configuration's held-out accuracy, and its share of sequences with inf or NaN logits. */
export interface StressRow {
  readonly scale: number;
  readonly accuracy: Readonly<Record<string, number>>;
  readonly nonFinite: Readonly<Record<string, number>>;
}

/** Evaluates `block` rescaled by each of `scales` (on `kind`) under each configuration. */
export async function stressBlock(
  block: TransformerBlock,
  kind: StressKind,
  scales: readonly number[],
  configs: Readonly<Record<string, StressConfig>>,
): Promise<StressRow[]> {
  checkChoice('kind', kind, STRESS_KINDS);
  const rows: StressRow[] = [];
  for (const scale of scales) {
    const accuracy: Record<string, number> = {};
    const nonFinite: Record<string, number> = {};
    for (const [label, config] of Object.entries(configs)) {
      const by: Rescaling = {
        [kind]: scale,
        ...(config.scaleFirst === undefined ? {} : { scaleFirst: config.scaleFirst }),
      };
      const copy = block.rescaled(by);
      const result = await evaluateBlock(copy, config.precision);
      copy.dispose();
      accuracy[label] = result.accuracy;
      nonFinite[label] = result.nonFinite;
    }
    rows.push({ scale, accuracy, nonFinite });
  }
  return rows;
}

/** The largest magnitudes in a block's float32 forward pass on the held-out sequences. */
export interface ActivationPeaks {
  /** max |x − mean(x)| over the rows of the three layer norms' inputs: what the variance squares. */
  readonly normDeviation: number;
  /** max |y| over the attention's and the MLP's outputs (linear layers: float16 under the table). */
  readonly sublayerOutput: number;
  /** max |x| over the residual stream (the layer norms' inputs): float32 under the table, as `add` promotes. */
  readonly residual: number;
  /** max |q·kᵀ| before the attention scale (a matmul: float16 under the table). */
  readonly attentionProduct: number;
}

/**
 * Where a block's activations peak, in float32: with the rescalings of TransformerBlock.rescaled, each peak
 * grows with the scale (the product with its square), so float16's largest value says where each breaks.
 */
export async function activationPeaks(block: TransformerBlock): Promise<ActivationPeaks> {
  const { tokens, targets } = evalSequences();
  const peaks = tf.tidy(() => {
    const a = block.forward(tokens, new Precision('float32'));
    const maxAbs = (t: tf.Tensor): tf.Tensor => tf.max(tf.abs(t));
    const deviation = tf.max(tf.stack(a.normInputs.map((x) => maxAbs(tf.sub(x.t, tf.mean(x.t, -1, true))))));
    const output = tf.max(tf.stack(a.sublayerOutputs.map((y) => maxAbs(y.t))));
    const residual = tf.max(tf.stack(a.normInputs.map((x) => maxAbs(x.t))));
    const product = tf.div(maxAbs(a.attentionLogits.t), block.attentionScale);
    return tf.stack([deviation, output, residual, product]);
  });
  const [normDeviation, sublayerOutput, residual, attentionProduct] = Array.from(await peaks.data()) as number[];
  tf.dispose([peaks, tokens, targets]);
  return {
    normDeviation: normDeviation!,
    sublayerOutput: sublayerOutput!,
    residual: residual!,
    attentionProduct: attentionProduct!,
  };
}

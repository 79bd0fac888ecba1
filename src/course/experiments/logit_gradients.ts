/**
 * The gradient a language model's loss sends into its logits: for the mean softmax cross-entropy over N tokens,
 * dL/dz = (softmax(z) − onehot(label)) / N per token. With a vocabulary of V classes most probabilities are
 * near 1/V, so most entries are near 1/(V·N): the smallest gradients of a large model, and the ones float16
 * loses first (under torch's autocast the loss runs in float32, and this gradient enters the output layer's
 * float16 backward matmul cast to float16).
 *
 *     await logitGradients({ vocab: 32000, tokens: 8192 })   // 64 rows × 32000 entries, most near 4e-9
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionKeys, OptionError } from '../../mp/errors';

export interface LogitGradientOptions {
  /** Classes V (a tokenizer's vocabulary; 10 for MNIST). */
  readonly vocab: number;
  /** Tokens N the loss averages over (batch × sequence length). */
  readonly tokens: number;
  /** Token rows to compute (each row's gradient depends only on its own logits and N). Default 64. */
  readonly rows?: number;
  /** Standard deviation of the random logits. Default 1. */
  readonly std?: number;
  /** The same seed gives the same gradients. Default 0. */
  readonly seed?: number;
}

/** dL/dz for `rows` tokens with random logits z ~ N(0, std²) and random labels, flattened (rows × vocab). */
export async function logitGradients(options: LogitGradientOptions): Promise<Float32Array> {
  checkOptionKeys('logitGradients', options, ['vocab', 'tokens', 'rows', 'std', 'seed']);
  const { vocab, tokens, rows = 64, std = 1, seed = 0 } = options;
  for (const [name, n] of [
    ['vocab', vocab],
    ['tokens', tokens],
    ['rows', rows],
  ] as const) {
    if (!Number.isInteger(n) || n < 1)
      throw new OptionError(`${name} must be a whole number ≥ 1. Received: ${name}=${n}`, name, n);
  }
  const g = tf.tidy(() => {
    // tfjs draws an unseeded stream for seed 0, so the streams use seed + 1 and seed + 2
    const z = tf.randomNormal([rows, vocab], 0, std, 'float32', seed + 1);
    const labels = tf.randomUniform([rows], 0, vocab, 'int32', seed + 2);
    return tf.div(tf.sub(tf.softmax(z), tf.oneHot(labels, vocab)), tokens);
  });
  try {
    return (await g.data()) as Float32Array;
  } finally {
    g.dispose();
  }
}

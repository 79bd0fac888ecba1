/**
 * Training memory of real transformer sizes, on paper, per GPU: the model states after the ZeRO paper's
 * accounting and the activations after Korthikanti et al.'s.
 *
 * Model states (Rajbhandari et al. 2020, "ZeRO", §3.1): mixed-precision Adam keeps 16-bit weights and gradients
 * (2 + 2 bytes per parameter) and, in the optimizer, float32 weights, momentum and variance (K = 12 bytes): 16
 * bytes per parameter, exactly what float32 training needs (4 + 4 + 8). ZeRO-DP shards them over the Nd
 * data-parallel GPUs: stage 1 the optimizer state (4Ψ + KΨ/Nd), stage 2 the gradients too (2Ψ + (2 + K)Ψ/Nd),
 * stage 3 the weights too ((4 + K)Ψ/Nd); its Table I gives 31.4, 16.6 and 1.88 GB for 7.5B parameters on 64 GPUs.
 *
 * Activations (Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models", §4.1):
 * one layer keeps sbh(34 + 5as/h) bytes for s tokens, micro-batch b, width h and a heads, with 16-bit values and
 * 1-byte dropout masks. Counted item by item (§4.1), that is 32sbh + 4as²b bytes of 16-bit values and
 * 2sbh + as²b of masks; with v bytes per value it is sbh(16v + 2) + as²b(2v + 1) (float32: 66sbh + 9as²b).
 * Selective recomputation drops the as²b terms (§5); full recomputation keeps only each layer's input, v·sbh.
 * Outside the layers (§4.3) the logits take 4sbv bytes (float32), and the embedding dropout's mask, the last
 * layer norm's input and the output layer's input sbh(1 + 2v); recomputation leaves these as they are.
 *
 *     const plan = trainingMemory(TRANSFORMER_SHAPES[2], { precision: 'mixed', tokens: 2048, batch: 4 });
 *     plan.totalBytes / 2 ** 30;   // GiB per GPU
 */
import { checkChoice, checkOptionKeys, OptionError } from '../../mp/errors';

/** A published transformer shape: parameters, layers, width, heads, vocabulary. */
export interface TransformerShape {
  readonly name: string;
  readonly params: number;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly vocab: number;
  readonly source: string;
}

/** GPT-3's 1.3B, 2.7B and 6.7B (Brown et al. 2020, Table 2.1) and Chinchilla 70B (Hoffmann et al. 2022, Table 4). */
export const TRANSFORMER_SHAPES: readonly TransformerShape[] = [
  {
    name: 'GPT-3 XL (1.3B)',
    params: 1.3e9,
    layers: 24,
    hidden: 2048,
    heads: 24,
    vocab: 50257,
    source: 'Brown et al. 2020, Table 2.1',
  },
  {
    name: 'GPT-3 2.7B',
    params: 2.7e9,
    layers: 32,
    hidden: 2560,
    heads: 32,
    vocab: 50257,
    source: 'Brown et al. 2020, Table 2.1',
  },
  {
    name: 'GPT-3 6.7B',
    params: 6.7e9,
    layers: 32,
    hidden: 4096,
    heads: 32,
    vocab: 50257,
    source: 'Brown et al. 2020, Table 2.1',
  },
  {
    name: 'Chinchilla (70B)',
    params: 70e9,
    layers: 80,
    hidden: 8192,
    heads: 64,
    vocab: 32000,
    source: 'Hoffmann et al. 2022, Table 4',
  },
];

/**
 * Bytes per parameter of weights, gradients and optimizer state (Adam). `mixed` is the ZeRO paper's 2 + 2 + 12;
 * `float32` is 4 + 4 + 8; `bfloat16` keeps everything, Adam's moments too, in 16 bits (2 + 2 + 4).
 */
export const STATE_BYTES = {
  float32: { weights: 4, gradients: 4, optimizer: 8 },
  mixed: { weights: 2, gradients: 2, optimizer: 12 },
  bfloat16: { weights: 2, gradients: 2, optimizer: 4 },
} as const;
export type StatePrecision = keyof typeof STATE_BYTES;
export const STATE_PRECISIONS = Object.keys(STATE_BYTES) as StatePrecision[];

export const RECOMPUTATIONS = ['none', 'selective', 'full'] as const;
export type Recomputation = (typeof RECOMPUTATIONS)[number];

export interface MemoryAtScaleOptions {
  /** What the model states are kept in. Activations follow: 4 bytes a value under float32, else 2. */
  readonly precision: StatePrecision;
  /** Sequence length s. */
  readonly tokens: number;
  /** Micro-batch per GPU, b. */
  readonly batch: number;
  /** Activation recomputation (checkpointing). Default 'none'. */
  readonly recompute?: Recomputation;
  /** ZeRO-DP stage, 0 (plain data parallelism) to 3. Default 0. */
  readonly zeroStage?: 0 | 1 | 2 | 3;
  /** Data-parallel GPUs the states are sharded over (stage ≥ 1). Default 1. */
  readonly gpus?: number;
}

export interface MemoryAtScale {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  readonly totalBytes: number;
}

/**
 * Activation bytes of one transformer layer, per Korthikanti et al. §4.1 and §5, with `valueBytes` per stored
 * value (2: their equation 1).
 *
 *     layerActivationBytes({ tokens: 2048, batch: 1, hidden: 12288, heads: 96 }, 2, 'none')   // sbh(34 + 5as/h)
 */
export function layerActivationBytes(
  shape: { tokens: number; batch: number; hidden: number; heads: number },
  valueBytes: number,
  recompute: Recomputation,
): number {
  const { tokens: s, batch: b, hidden: h, heads: a } = shape;
  if (recompute === 'full') return valueBytes * s * b * h;
  const linear = s * b * h * (16 * valueBytes + 2);
  return recompute === 'selective' ? linear : linear + a * s * s * b * (2 * valueBytes + 1);
}

function positive(name: string, v: unknown): number {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
    throw new OptionError(`${name} must be a positive integer. Received: ${name}=${JSON.stringify(v)}`, name, v);
  }
  return v;
}

/**
 * Bytes per GPU to train `model` with Adam: its states after ZeRO's accounting (sharded by `zeroStage` over
 * `gpus`) and its activations after Korthikanti et al.'s (all L layers, the logits and what lies outside the layers).
 *
 *     trainingMemory(TRANSFORMER_SHAPES[0], { precision: 'mixed', tokens: 2048, batch: 8, recompute: 'full' })
 */
export function trainingMemory(model: TransformerShape, options: MemoryAtScaleOptions): MemoryAtScale {
  checkOptionKeys('trainingMemory', options, ['precision', 'tokens', 'batch', 'recompute', 'zeroStage', 'gpus']);
  const precision = checkChoice('precision', options.precision, STATE_PRECISIONS);
  const recompute = checkChoice('recompute', options.recompute ?? 'none', RECOMPUTATIONS);
  const stage = checkChoice('zeroStage', options.zeroStage ?? 0, [0, 1, 2, 3]);
  const gpus = positive('gpus', options.gpus ?? 1);
  const [s, b] = [positive('tokens', options.tokens), positive('batch', options.batch)];
  const per = STATE_BYTES[precision];
  const shard = (from: number) => (stage >= from ? 1 / gpus : 1);
  const v = precision === 'float32' ? 4 : 2;
  const layer = layerActivationBytes({ tokens: s, batch: b, hidden: model.hidden, heads: model.heads }, v, recompute);
  const outside = 4 * s * b * model.vocab + (1 + 2 * v) * s * b * model.hidden;
  const m = {
    weights: per.weights * model.params * shard(3),
    gradients: per.gradients * model.params * shard(2),
    optimizer: per.optimizer * model.params * shard(1),
    activations: model.layers * layer + outside,
  };
  return { ...m, totalBytes: m.weights + m.gradients + m.optimizer + m.activations };
}

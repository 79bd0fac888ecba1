/**
 * Memory accounting for training under a policy: bytes for the weights, their compute-format copies,
 * gradients, optimizer state and saved activations, as real low-precision hardware stores them.
 */
import { checkChoice, checkOptionKeys } from '../errors';
import type { FloatFormat } from '../formats/spec';
import { policy as toPolicy, type Policy } from '../amp/policy';

export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerKind = (typeof OPTIMIZERS)[number];
/** Float tensors of optimizer state per parameter. */
const STATE_PER_PARAM: Record<OptimizerKind, number> = { sgd: 0, momentum: 1, adam: 2 };

export interface MemoryRow {
  readonly component: string;
  readonly format: string;
  readonly elements: number;
  readonly bytes: number;
}

export interface MemoryPlan {
  readonly policy: string;
  readonly optimizer: OptimizerKind;
  readonly rows: MemoryRow[];
  readonly totalBytes: number;
  /** Bytes per parameter for weights, copies, gradients and optimizer state (activations excluded). */
  readonly bytesPerParam: number;
}

/** Bytes a value takes in memory: tf32 is a compute mode stored in float32 containers; the rest pack. */
export function bytesPerValue(f: FloatFormat): number {
  return f.name === 'tf32' ? 4 : f.bits / 8;
}

/**
 *     memoryPlan({ params: 50_890, activations: 128 * 868, policy: 'mixed_float16', optimizer: 'adam' })
 */
export function memoryPlan(args: {
  params: number;
  activations: number;
  policy: string | Policy;
  optimizer: OptimizerKind;
}): MemoryPlan {
  checkOptionKeys('memoryPlan', args, ['params', 'activations', 'policy', 'optimizer']);
  const p = toPolicy(args.policy);
  const optimizer = checkChoice('optimizer', args.optimizer, OPTIMIZERS);
  const row = (component: string, f: FloatFormat, elements: number): MemoryRow => ({
    component,
    format: f.name,
    elements,
    bytes: elements * bytesPerValue(f),
  });
  const rows = [
    row(p.variable === p.compute ? 'weights' : 'weights (float32 master copy)', p.variable, args.params),
    ...(p.compute === p.variable ? [] : [row('weights cast for compute', p.compute, args.params)]),
    row('gradients', p.variable, args.params),
    row(`optimizer state (${optimizer})`, p.variable, STATE_PER_PARAM[optimizer] * args.params),
    row('activations saved for backward', p.compute, args.activations),
  ];
  const perParam = rows.filter((r) => r.component !== 'activations saved for backward');
  return {
    policy: p.name,
    optimizer,
    rows,
    totalBytes: rows.reduce((s, r) => s + r.bytes, 0),
    bytesPerParam: perParam.reduce((s, r) => s + r.bytes, 0) / args.params,
  };
}

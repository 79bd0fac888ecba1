/**
 * The autocast table as a lesson shows it: AUTOCAST_OPS grouped by torch's category, each group with the
 * format its output has under mixed_float16 and mixed_bfloat16 for 16-bit inputs, for float32 inputs and for a
 * mix. 16-bit inputs are what tell the categories apart: from float32 inputs every op but the matrix products
 * returns float32, whether torch lists it as fp32 or leaves it in its input's dtype.
 *
 *     showTable(autocastTable(), 'mp.AUTOCAST_OPS')
 */
import { AUTOCAST_OPS, autocastFormat, type AutocastEntry } from '../../mp/amp/autocast';
import type { Cell } from './display';

/** What each torch category means, in a table's words. */
const CATEGORY: Record<AutocastEntry['torch'], string> = {
  lower_precision_fp: "lower_precision_fp: cast to autocast's 16-bit type",
  fp32: 'fp32: cast to float32',
  promote: 'promote: cast to the widest input type',
  builtin_promote: "builtin_promote: the op's own type promotion",
  input_dtype: "on no list: runs in its input's type",
  not_in_torch: 'not in torch (this project’s name)',
};

/** One row per group of ops that share a torch category, a rule and a reason. */
export function autocastTable(): Record<string, Cell>[] {
  const groups = new Map<string, { entry: AutocastEntry; ops: string[] }>();
  for (const [op, entry] of Object.entries(AUTOCAST_OPS)) {
    const key = `${entry.torch}|${entry.rule}|${entry.why}`;
    if (!groups.has(key)) groups.set(key, { entry, ops: [] });
    groups.get(key)!.ops.push(op);
  }
  return [...groups.values()].map(({ entry, ops }) => {
    const out = (policy: string, inputs: string[]): string => autocastFormat(ops[0]!, policy, inputs).name;
    const twoInputs = entry.rule === 'promote' || entry.rule === 'compute';
    return {
      "torch's CUDA autocast": CATEGORY[entry.torch],
      ops: ops.join(', ') + (entry.via ? ` (runs as ${entry.via.join(' + ')})` : ''),
      'float16 in → out': out('mixed_float16', ['float16']),
      'bfloat16 in → out': out('mixed_bfloat16', ['bfloat16']),
      'float32 in → out': out('mixed_float16', ['float32']),
      'float16 and float32 in → out': twoInputs ? out('mixed_float16', ['float16', 'float32']) : '—',
      why: entry.why,
    };
  });
}

import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { autocastTable } from '../../../src/course/viz/autocast';
import { AUTOCAST_OPS } from '../../../src/mp';

/** torch's own lists: the output dtype of each category for 16-bit inputs ('low') and mixed with float32 ('mixed'). */
const lists = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'autocast_lists.json'), 'utf8'),
) as { expected: Record<string, { float16: { low: string; mixed: string } }> };

describe('autocastTable', () => {
  const rows = autocastTable();
  const opsOf = (r: Record<string, unknown>) =>
    String(r.ops)
      .replace(/ \(runs as .*\)$/, '')
      .split(', ');

  it('lists every op of AUTOCAST_OPS once', () => {
    expect(rows.flatMap(opsOf).sort()).to.deep.equal(Object.keys(AUTOCAST_OPS).sort());
  });

  it("gives each torch category the output torch's lists give for float16 inputs", () => {
    for (const row of rows) {
      const entry = AUTOCAST_OPS[opsOf(row)[0]!]!;
      const torch = entry.torch === 'input_dtype' ? 'absent' : entry.torch;
      if (torch === 'not_in_torch') continue;
      expect(row['float16 in → out'], String(row.ops)).to.equal(lists.expected[torch]!.float16.low);
    }
  });

  it('cannot tell the fp32 list from "keeps its input type" with float32 inputs: only matrix products differ', () => {
    for (const row of rows) {
      const compute = AUTOCAST_OPS[opsOf(row)[0]!]!.rule === 'compute';
      expect(row['float32 in → out'], String(row.ops)).to.equal(compute ? 'float16' : 'float32');
    }
  });
});

/**
 * npm run submit [-- --exercises DIR --out FILE]: packs exercises/ into submission.zip, the one file to
 * upload to the LMS assignment (see submit.ts), and says what is not complete yet.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { hiddenPointsNotRun } from './bank';
import { describeSubmission, packSubmission } from './submit';

const ROOT = path.join(__dirname, '../..');

try {
  const { values } = parseArgs({ options: { exercises: { type: 'string' }, out: { type: 'string' } } });
  const result = packSubmission(
    values.exercises ?? path.join(ROOT, 'exercises'),
    values.out ?? path.join(ROOT, 'submission.zip'),
  );
  console.log(describeSubmission(result).join('\n'));
  const hidden = hiddenPointsNotRun();
  if (hidden) console.log(`Hidden cases worth ${hidden} more points are graded once you have submitted.`);
} catch (e) {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  process.exitCode = 2;
}

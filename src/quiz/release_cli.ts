/** npm run release -- --out DIR: writes the student release (see release.ts). */
import * as path from 'path';
import { parseArgs } from 'util';
import { writeRelease } from './release';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (!values.out) {
  console.error('Usage: npm run release -- --out DIR');
  process.exit(2);
}
try {
  const written = writeRelease(path.join(__dirname, '../..'), values.out);
  console.log(`Student release in ${values.out}:\n  ${written.join('\n  ')}`);
} catch (e) {
  console.error(String(e));
  process.exit(2);
}

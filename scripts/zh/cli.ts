/**
 * npm run zh: the Chinese lessons' tooling (twins.ts says what keeps them in step).
 *
 *     npm run zh -- stamp notebooks/zh/01_what_is_mixed_precision.ipynb   # after translating or updating cells
 *     npm run zh -- check                                                 # what test/notebooks/zh.test.ts checks
 */
import * as path from 'path';
import { lessons, readGlossary, readNotebook, stampFile, twinProblems } from './twins';

function main(args: readonly string[]): number {
  const [command, ...files] = args;
  if (command === 'stamp' && files.length) {
    for (const f of files) console.log(`${f}: stamped ${stampFile(f).length} markdown cells`);
    return 0;
  }
  if (command === 'check' && !files.length) {
    const glossary = readGlossary();
    let failed = 0;
    for (const l of lessons()) {
      const name = path.basename(l.en);
      if (!l.zh) {
        console.log(`${name}: no Chinese twin yet`);
        continue;
      }
      const problems = twinProblems(readNotebook(l.en), readNotebook(l.zh), glossary);
      failed += problems.length;
      console.log(`${name}: ${problems.length ? `${problems.length} problem(s)` : 'in step'}`);
      for (const p of problems) console.log(`  ${p}`);
    }
    return failed ? 1 : 0;
  }
  console.error(`usage: npm run zh -- stamp FILE… | npm run zh -- check (got ${JSON.stringify(args.join(' '))})`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));

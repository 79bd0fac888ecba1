/**
 * npm run bench: every speed target of the project, each printed as a ratio against a baseline that is
 * measured in the same run on the same machine (so the figures travel between machines).
 */
import { benchFormats } from './formats';
import { benchQuant } from './quant';
import { printTargets } from './targets';
import { benchTraining } from './training';
import { benchGrading } from './grading';

/** `npm run bench -- formats training`: only the named parts (all when none is named). */
const PARTS: Record<string, () => unknown> = {
  formats: benchFormats,
  training: benchTraining,
  quant: benchQuant,
  grading: benchGrading,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(a in PARTS));
  if (unknown.length)
    throw new Error(`Unknown bench part ${unknown.join(', ')}. Parts: ${Object.keys(PARTS).join(', ')}.`);
  console.log(`node ${process.version}, ${require('os').cpus().length} cores`);
  for (const [name, run] of Object.entries(PARTS)) if (asked.length === 0 || asked.includes(name)) await run();
  printTargets();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

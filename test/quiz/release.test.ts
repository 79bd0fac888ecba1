import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { gradeConcept, loadQuestions, writeRelease, type CodeQuestion, type ConceptQuestion } from '../../src/quiz';
import { toWire } from '../../src/quiz/wire';

const ROOT = path.join(__dirname, '../..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** The code lines inside BEGIN/END SOLUTION blocks of every solution file. */
function solutionLines(): string[] {
  return filesUnder(path.join(ROOT, 'solutions'))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return [...text.matchAll(/\/\/ BEGIN SOLUTION[^\n]*\n([\s\S]*?)\/\/ END SOLUTION/g)].flatMap((m) =>
        m[1]!.split('\n'),
      );
    })
    .map((l) => l.trim())
    .filter((l) => l.length > 25); // distinctive lines, not braces or short returns
}

describe('the student release (npm run release)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'release-'));
  let files: string[];
  let texts: string;
  before(() => {
    writeRelease(ROOT, out);
    files = filesUnder(out);
    texts = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  });

  it('holds exercises, notebooks, the library and the grader, but no solutions, tests or question sources', () => {
    const rel = files.map((f) => path.relative(out, f));
    expect(rel).to.include.members([
      'exercises/lesson1/index.ts',
      'src/mp/index.ts',
      'src/quiz/cli.ts',
      'src/quiz/bank.json',
    ]);
    expect(rel.filter((f) => /^(solutions|test)\/|^src\/quiz\/questions\//.test(f))).to.be.empty;
  });

  it('contains no solution code', () => {
    // lines that the library itself contains (exponent extraction, say) are public anyway
    const library = filesUnder(path.join(ROOT, 'src/mp'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const lines = solutionLines().filter((l) => !library.includes(l));
    expect(lines.length).to.be.above(30);
    expect(lines.filter((l) => texts.includes(l))).to.be.empty;
    expect(texts).not.to.match(/^\s*\/\/ BEGIN SOLUTION/m); // no marked solution block survives
  });

  it('contains no hidden case and no expected value of one', () => {
    const bank = fs.readFileSync(path.join(out, 'src/quiz/bank.json'), 'utf8');
    const code = loadQuestions().filter((q): q is CodeQuestion => q.kind === 'code');
    // a hidden value that some public case also shows (float16's smallest subnormal, say) is public anyway
    const publicText = code
      .flatMap((q) => q.cases.filter((k) => !k.hidden).map((k) => toWire([k.args, k.expected])))
      .join('\n');
    let checked = 0;
    for (const q of code) {
      for (const c of q.cases.filter((k) => k.hidden)) {
        expect(bank, `${q.id} ${c.name}`).not.to.include(JSON.stringify(c.name));
        const value = toWire(c.expected);
        if (value.length > 3 && !publicText.includes(value)) {
          expect(bank, `${q.id} ${c.name}: ${value}`).not.to.include(value);
          checked++;
        }
      }
    }
    expect(checked).to.be.at.least(20);
    expect(bank).not.to.include('"hidden":true');
  });

  it('stores concept answers only as hashes, which still grade', () => {
    const bank = JSON.parse(fs.readFileSync(path.join(out, 'src/quiz/bank.json'), 'utf8')) as ConceptQuestion[];
    const concepts = bank.filter((q) => q.kind !== ('code' as string));
    expect(concepts.length).to.be.at.least(6);
    for (const q of concepts) {
      expect(q).not.to.have.property('answer');
      expect(q.answerHash).to.match(/^[0-9a-f]{64}$/);
    }
    const l1 = concepts.find((q) => q.id === 'l1.c1')!;
    expect(gradeConcept(l1, 65504).passed).to.equal(true);
    expect(gradeConcept(l1, '65504').passed).to.equal(true);
    expect(gradeConcept(l1, 65500).passed).to.equal(false);
  });

  it('keeps only the npm scripts a student uses', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(out, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(Object.keys(pkg.scripts).sort()).to.deep.equal([
      'grade',
      'html',
      'kernel',
      'resources',
      'start',
      'train',
      'typecheck',
    ]);
  });

  it('refuses to write into a folder that is not empty', () => {
    expect(() => writeRelease(ROOT, out)).to.throw(/not empty/);
  });
});

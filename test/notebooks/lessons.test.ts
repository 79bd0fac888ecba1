/**
 * The committed lessons: six of them, clean (no outputs), on the course kernel, loadable by tslab, every cell
 * with an id, and no speed figure in their markdown that code did not produce.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { KERNEL_DISPLAY_NAME, KERNEL_NAME } from '../../scripts/kernel/kernelspec';
import { LESSONS, readNotebook, ROOT } from './course';
import { NOT_MEASURED, speedFigures, withoutNotMeasured } from './speed_figures';

const sourceOf = (s: string | string[]): string => (Array.isArray(s) ? s.join('') : s);

describe('lessons as committed', () => {
  it('are the six lessons, numbered 01 to 06', () => {
    expect(LESSONS.map((f) => f.slice(0, 3))).to.deep.equal(['01_', '02_', '03_', '04_', '05_', '06_']);
  });

  for (const lesson of LESSONS) {
    describe(lesson, () => {
      const nb = readNotebook(path.join(ROOT, 'notebooks', lesson));

      it('carries no outputs and no execution counts', () => {
        const dirty = nb.cells
          .map((c, i) => ({ i, c }))
          .filter(({ c }) => c.cell_type === 'code' && ((c.outputs ?? []).length > 0 || c.execution_count != null));
        expect(
          dirty.map(({ i }) => i),
          'cells with outputs or counts',
        ).to.deep.equal([]);
      });

      it('gives every cell an id, unique in the lesson (nbformat 4.5)', () => {
        const ids = nb.cells.map((c) => c.id);
        expect(
          ids
            .map((id, i) => ({ i, id }))
            .filter(({ id }) => typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)),
          'cells without a valid id',
        ).to.deep.equal([]);
        expect(new Set(ids).size, 'distinct ids').to.equal(ids.length);
        expect(nb.nbformat_minor, 'nbformat minor version').to.be.at.least(5);
      });

      it('states no speed figure in its markdown that code did not produce', () => {
        const markdown = nb.cells
          .filter((c) => c.cell_type === 'markdown')
          .map((c) => sourceOf(c.source))
          .join('\n\n');
        const { rest, stale } = withoutNotMeasured(lesson.slice(0, 2), markdown);
        expect(stale, 'NOT_MEASURED texts this lesson no longer contains').to.deep.equal([]);
        expect(speedFigures(rest), 'speed figures typed into markdown').to.deep.equal([]);
      });

      it('names the course kernel', () => {
        expect(nb.metadata.kernelspec).to.deep.include({ name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME });
      });

      it("opens with the seed's question in Chinese and English, and ends with graded checks", () => {
        const first = sourceOf(nb.cells[0]!.source);
        expect(nb.cells[0]!.cell_type).to.equal('markdown');
        expect(first, 'Chinese text in the first cell').to.match(/[\u4e00-\u9fff]{4}/);
        expect(first, 'English text in the first cell').to.match(/[A-Za-z]{4,} [A-Za-z]{4,}/);
        const n = lesson.slice(1, 2);
        const code = nb.cells
          .filter((c) => c.cell_type === 'code')
          .map((c) => sourceOf(c.source))
          .join('\n');
        for (const q of ['q1', 'q2', 'q3']) expect(code).to.include(`check('l${n}.${q}'`);
      });

      it('imports the library instead of defining library code (no class or exported function in cells)', () => {
        const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => sourceOf(c.source));
        expect(code.filter((s) => /^\s*(export\s|class\s)/m.test(s))).to.deep.equal([]);
        expect(code.join('\n')).to.include("from './src/course/index'");
      });
    });
  }
});

/** Relative imports in a TypeScript file that resolve to a folder rather than a file. */
function folderImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*'(\.{1,2}\/[^']*)'/g)]
    .map((m) => m[1]!)
    .filter((spec) => {
      const target = path.resolve(path.dirname(file), spec);
      return fs.existsSync(target) && fs.statSync(target).isDirectory();
    });
}

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
}

describe('code that notebooks load', () => {
  it('imports files, never folders (tslab does not resolve a folder to its index)', () => {
    const offenders = ['src', 'exercises', 'solutions']
      .flatMap((d) => tsFiles(path.join(ROOT, d)))
      .flatMap((f) => folderImports(f).map((spec) => `${path.relative(ROOT, f)}: '${spec}'`));
    expect(offenders).to.deep.equal([]);
  });
});

describe('the speed-figure check', () => {
  it('finds figures with units, and ratios next to a word of speed', () => {
    expect(speedFigures('| 8192³ product | 51 TFLOP/s | 0.507 ms | 21.6 µs |')).to.deep.equal([
      '51 TFLOP/s',
      '0.507 ms',
      '21.6 µs',
    ]);
    expect(speedFigures('moves 4.2 TB/s; an epoch takes 1.4 s per epoch, or 12 seconds')).to.have.length(3);
    expect(speedFigures('runs **16× faster in bfloat16**')).to.deep.equal(['16× faster']);
    expect(speedFigures('a speed-up of about 1.8× in float8')).to.have.length(1);
    expect(speedFigures('bfloat16 beats float32 by about 3× at n = 1024')).to.have.length(1);
    expect(speedFigures('a ~7× faster training step')).to.deep.equal(['~7× faster']);
  });

  it('leaves shapes, counts, sizes and ratios of other things alone', () => {
    for (const text of [
      'a 128×784 · 784×64 product',
      'the float32 second input',
      'about 4× smaller than float32',
      '8× finer than bfloat16',
      'the sum of 10 000 × 0.01',
      'an order of magnitude faster',
      '2^28 values, 20 runs after 5 warm-ups',
    ])
      expect(speedFigures(text), text).to.deep.equal([]);
  });

  it('allows a listed fact only in its lesson, and names listed texts a lesson lost', () => {
    const fact = NOT_MEASURED[0]!;
    expect(speedFigures(withoutNotMeasured(fact.lesson, `x ${fact.text} y`).rest)).to.deep.equal([]);
    expect(speedFigures(withoutNotMeasured('02', fact.text).rest)).to.not.deep.equal([]);
    expect(withoutNotMeasured(fact.lesson, 'nothing here').stale).to.include(fact.text);
    for (const f of NOT_MEASURED) expect(f.source, f.text).to.match(/https?:\/\//);
  });
});

/** The committed lessons: six of them, clean (no outputs), on the course kernel, loadable by tslab. */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { KERNEL_DISPLAY_NAME, KERNEL_NAME } from '../../scripts/kernel/kernelspec';
import { LESSONS, readNotebook, ROOT } from './course';

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

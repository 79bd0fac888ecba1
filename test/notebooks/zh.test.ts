/**
 * The Chinese lessons in step with the English ones (scripts/zh/twins.ts): every cell has its twin by id, code
 * cells are identical, a translation records what it translated and fails once the English cell moves on, every
 * Chinese markdown cell is mostly Chinese and uses the glossary's terms. A lesson without a twin yet is skipped.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  cjkShare,
  lessons,
  readGlossary,
  readNotebook,
  stampFile,
  stampOf,
  twinProblems,
  writeNotebook,
  type Cell,
  type Notebook,
} from '../../scripts/zh/twins';

const md = (id: string, source: string, zh?: Cell['metadata']): Cell => ({
  id,
  cell_type: 'markdown',
  source,
  ...(zh ? { metadata: zh } : {}),
});
const code = (id: string, source: string): Cell => ({ id, cell_type: 'code', source });

const EN: Notebook = {
  cells: [
    md('a', '## Loss scaling\n\nMultiply the loss so that small gradients do not underflow.'),
    code('b', 'const s = 1024;'),
    md('c', 'The largest float16 is 65504.'),
  ],
};
const ZH: Notebook = {
  cells: [
    md('a', '## 损失缩放\n\n把损失乘上一个系数，让很小的梯度不会下溢。', { zh: stampOf(sourceOfEn('a')) }),
    code('b', 'const s = 1024;'),
    md('c', 'The largest float16 is 65504.', { zh: { untranslated: true } }),
  ],
};
function sourceOfEn(id: string): string {
  return EN.cells.find((c) => c.id === id)!.source as string;
}
const GLOSSARY = [
  { en: 'loss scaling', zh: '损失缩放' },
  { en: 'underflow', zh: '下溢' },
  { en: 'ulp', zh: '末位单位', avoid: ['最后一位的单位'] },
];
const withCells = (nb: Notebook, change: (cells: Cell[]) => Cell[]): Notebook => ({
  cells: change(structuredClone(nb.cells)),
});

describe('the Chinese edition of the lessons', () => {
  describe('its check (npm run zh -- check)', () => {
    it('finds a twin in step, with an untranslated cell that is still a copy', () => {
      expect(twinProblems(EN, ZH, GLOSSARY)).to.deep.equal([]);
    });

    it('names a missing, extra or moved cell, and a code cell that differs', () => {
      expect(
        twinProblems(
          EN,
          withCells(ZH, (c) => [c[0]!, c[1]!]),
          GLOSSARY,
        ),
      ).to.deep.equal(['cell c: missing (every English cell has its twin, by id)']);
      expect(
        twinProblems(
          EN,
          withCells(ZH, (c) => [...c, code('d', '1')]),
          GLOSSARY,
        ),
      ).to.deep.equal(['cell d: not in the English lesson']);
      expect(
        twinProblems(
          EN,
          withCells(ZH, (c) => [c[1]!, c[0]!, c[2]!]),
          GLOSSARY,
        ),
      ).to.deep.equal(['the cells are in another order than the English lesson’s']);
      const edited = withCells(ZH, (c) => [c[0]!, code('b', 'const s = 2048;'), c[2]!]);
      expect(twinProblems(EN, edited, GLOSSARY)).to.deep.equal([
        "cell b: code differs from the English lesson's (code cells are identical)",
      ]);
    });

    it('fails a translation whose English cell changed, naming the cell and the paragraph, until it is stamped', () => {
      const en = withCells(EN, (c) => {
        c[0]!.source = '## Loss scaling\n\nMultiply the loss by S so that small gradients do not underflow.';
        return c;
      });
      expect(twinProblems(en, ZH, GLOSSARY)).to.deep.equal([
        'cell a: stale: its English twin changed since it was translated ("Multiply the loss by S so that small gradients do not underf…"): update the translation, then stamp it',
      ]);
      const dropped = withCells(EN, (c) => {
        c[0]!.source = '## Loss scaling';
        return c;
      });
      expect(twinProblems(dropped, ZH, GLOSSARY)[0]).to.match(/^cell a: stale: .*\(1 paragraph\(s\) removed\)/);
      const unstamped = withCells(ZH, (c) => [
        md('a', sourceOfEn('a').replace('Loss scaling', '损失缩放')),
        c[1]!,
        c[2]!,
      ]);
      expect(twinProblems(EN, unstamped, GLOSSARY)[0]).to.equal(
        'cell a: not stamped: run npm run zh -- stamp on the file once it is translated',
      );
      const drifted = withCells(ZH, (c) => [
        c[0]!,
        c[1]!,
        md('c', 'float16 的最大值是 65504。', { zh: { untranslated: true } }),
      ]);
      expect(twinProblems(EN, drifted, GLOSSARY)).to.deep.equal([
        'cell c: marked untranslated, but no longer a copy of its English twin: translate it and stamp it',
      ]);
    });

    it('wants Chinese markdown mostly Chinese, counting neither code nor math nor link targets', () => {
      expect(cjkShare('用 `roundArray` 把 float16 的梯度舍入')).to.equal(7 / 8);
      expect(cjkShare('见 [第 3 课](03_problems.ipynb#section-one) 与 $2^{-24}$')).to.equal(1);
      const english = withCells(ZH, (c) => {
        c[0]!.source = '## 损失缩放\n\nMultiply the loss so that small gradients do not underflow (下溢).';
        return c;
      });
      expect(twinProblems(EN, english, GLOSSARY)).to.deep.equal([
        'cell a: not mostly Chinese (38 % CJK, at least 50 %)',
      ]);
    });

    it('holds translations to the glossary: its Chinese for a term the English uses, and none of the forms it avoids', () => {
      const other = withCells(ZH, (c) => {
        c[0]!.source = '## 损失缩放\n\n把损失乘上一个系数，让很小的梯度不会变成零，即最后一位的单位以下。';
        return c;
      });
      expect(twinProblems(EN, other, GLOSSARY)).to.deep.equal([
        'cell a: its English twin says "underflow": the glossary\'s Chinese is "下溢"',
        'cell a: "最后一位的单位": the glossary says "末位单位" for "ulp"',
      ]);
    });

    it('stamps a translated lesson in place, leaving untranslated copies and code alone', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-'));
      try {
        fs.mkdirSync(path.join(dir, 'zh'));
        writeNotebook(path.join(dir, '01_x.ipynb'), EN);
        const unstamped = withCells(ZH, (c) => {
          delete c[0]!.metadata;
          return c;
        });
        writeNotebook(path.join(dir, 'zh', '01_x.ipynb'), unstamped);
        expect(stampFile(path.join(dir, 'zh', '01_x.ipynb'))).to.deep.equal(['a']);
        const stamped = readNotebook(path.join(dir, 'zh', '01_x.ipynb'));
        expect(twinProblems(EN, stamped, GLOSSARY)).to.deep.equal([]);
        expect(stamped.cells[2]!.metadata).to.deep.equal({ zh: { untranslated: true } });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('the glossary (notebooks/glossary.json)', () => {
    it('gives each term once, with Chinese, and avoids no form it prescribes', () => {
      const terms = readGlossary();
      expect(terms.length).to.be.at.least(40);
      expect(new Set(terms.map((t) => t.en.toLowerCase())).size).to.equal(terms.length);
      for (const t of terms) {
        expect(t.zh, t.en).to.be.a('string').and.not.equal('');
        for (const a of t.avoid ?? []) expect(t.zh, t.en).not.to.include(a);
      }
      const zhOf = new Map(terms.map((t) => [t.en, t.zh]));
      expect(zhOf.get('ulp')).to.equal('末位单位');
      expect(zhOf.get('logits')).to.equal('logits');
    });
  });

  describe('the lessons', () => {
    for (const lesson of lessons()) {
      const name = path.basename(lesson.en);
      it(`${name} and its Chinese twin are in step`, function () {
        if (!lesson.zh) {
          console.log(`      (no notebooks/zh/${name} yet: skipped)`);
          this.skip();
        }
        const problems = twinProblems(readNotebook(lesson.en), readNotebook(lesson.zh!), readGlossary());
        expect(problems, problems.join('\n')).to.deep.equal([]);
      });
    }
  });
});

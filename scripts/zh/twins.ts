/**
 * The Chinese edition of the lessons kept in step with the English one. notebooks/zh/NN_….ipynb holds the same
 * cells as notebooks/NN_….ipynb, in the same order and with the same ids: code cells byte-identical, markdown
 * cells translated. A translated cell records (`npm run zh -- stamp FILE`, in its metadata) a hash of each
 * paragraph of the English cell it translates, so an English edit that its twin has not followed is found, and
 * named by paragraph. A cell not translated yet is a marked copy of the English one.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const NOTEBOOKS = path.join(__dirname, '../../notebooks');
export const ZH_NOTEBOOKS = path.join(NOTEBOOKS, 'zh');
export const GLOSSARY_FILE = path.join(NOTEBOOKS, 'glossary.json');

/** A Chinese markdown cell is mostly Chinese: at least this share of CJK characters among its CJK characters and English words. */
export const MIN_CJK_SHARE = 0.5;

export interface Cell {
  id?: string;
  cell_type: string;
  source: string | string[];
  metadata?: { zh?: Stamp } & Record<string, unknown>;
}
export interface Notebook {
  cells: Cell[];
}
/** What a Chinese cell records of its English twin: a hash per paragraph, or that it is an untranslated copy. */
export type Stamp = { readonly from: readonly string[] } | { readonly untranslated: true };

export interface Term {
  readonly en: string;
  readonly zh: string;
  readonly note?: string;
  /** Chinese forms the course does not use for this term. */
  readonly avoid?: readonly string[];
}

export const sourceOf = (c: Cell): string => (Array.isArray(c.source) ? c.source.join('') : c.source);

export function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
}

/** As Jupyter writes a notebook: one-space indent, characters as they are, a final newline. */
export function writeNotebook(file: string, nb: Notebook): void {
  fs.writeFileSync(file, `${JSON.stringify(nb, null, 1)}\n`);
}

export function readGlossary(file = GLOSSARY_FILE): Term[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { terms: Term[] }).terms;
}

/** The English lessons, and the Chinese twin of each where there is one. */
export function lessons(): { readonly en: string; readonly zh?: string }[] {
  return fs
    .readdirSync(NOTEBOOKS)
    .filter((f) => /^\d\d_.*\.ipynb$/.test(f))
    .sort()
    .map((f) => {
      const zh = path.join(ZH_NOTEBOOKS, f);
      return { en: path.join(NOTEBOOKS, f), ...(fs.existsSync(zh) ? { zh } : {}) };
    });
}

/** The English lesson a Chinese one translates: notebooks/zh/NN_x.ipynb → notebooks/NN_x.ipynb. */
export const englishOf = (zhFile: string): string =>
  path.join(path.dirname(path.dirname(path.resolve(zhFile))), path.basename(zhFile));

const paragraphs = (text: string): string[] =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** The stamp of a translation of `english`: one hash per paragraph. */
export const stampOf = (english: string): Stamp => ({ from: paragraphs(english).map(hash) });

/**
 * The share of CJK characters among the CJK characters and English words of a markdown text, leaving out what
 * stays English in both editions: code, math, link targets, HTML tags and addresses.
 *
 *     cjkShare('用 `roundArray` 把 float16 的梯度舍入') // 7 / 8: seven characters, one word
 */
export function cjkShare(markdown: string): number {
  const prose = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/\$\$[\s\S]*?\$\$|\$[^$\n]*\$/g, ' ')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/<[^>]*>|https?:\/\/\S+/g, ' ');
  const cjk = prose.match(/[\u3400-\u9fff\uf900-\ufaff]/g)?.length ?? 0;
  const words = prose.match(/[A-Za-z]+/g)?.length ?? 0;
  return cjk + words === 0 ? 1 : cjk / (cjk + words);
}

const usesTerm = (english: string, term: string): boolean =>
  new RegExp(`(?<![A-Za-z-])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z-])`, 'i').test(english);

/** The glossary's complaints about one translated cell: a term translated otherwise, or a form the course avoids. */
function termProblems(english: string, chinese: string, glossary: readonly Term[]): string[] {
  const out: string[] = [];
  for (const t of glossary) {
    // a term may also stay in English (末位单位 (ulp), `autocast`), as the glossary's notes allow
    if (usesTerm(english, t.en) && !chinese.includes(t.zh) && !usesTerm(chinese, t.en))
      out.push(`its English twin says "${t.en}": the glossary's Chinese is "${t.zh}"`);
    for (const a of t.avoid ?? [])
      if (chinese.includes(a)) out.push(`"${a}": the glossary says "${t.zh}" for "${t.en}"`);
  }
  return out;
}

/**
 * Every way a Chinese lesson is out of step with its English one, each naming the cell: a cell missing, extra or
 * moved, a code cell that differs, a translation not stamped or stamped from an older English cell (with the
 * paragraphs that changed), an untranslated copy that no longer is one, a cell not mostly Chinese, a glossary
 * term translated otherwise.
 *
 *     twinProblems(en, zh, readGlossary()) // ['cell fe7ad916: stale: its English twin changed …']
 */
export function twinProblems(en: Notebook, zh: Notebook, glossary: readonly Term[]): string[] {
  const ids = (nb: Notebook): string[] => nb.cells.map((c) => c.id ?? '(no id)');
  const [enIds, zhIds] = [ids(en), ids(zh)];
  const missing = enIds.filter((id) => !zhIds.includes(id));
  const extra = zhIds.filter((id) => !enIds.includes(id));
  const problems = [
    ...missing.map((id) => `cell ${id}: missing (every English cell has its twin, by id)`),
    ...extra.map((id) => `cell ${id}: not in the English lesson`),
  ];
  if (!missing.length && !extra.length && enIds.join() !== zhIds.join())
    problems.push('the cells are in another order than the English lesson’s');
  const english = new Map(en.cells.map((c) => [c.id, c]));
  for (const c of zh.cells) {
    const twin = english.get(c.id);
    if (!twin) continue;
    const [text, from] = [sourceOf(c), sourceOf(twin)];
    const at = `cell ${c.id}`;
    if (twin.cell_type !== c.cell_type)
      problems.push(`${at}: a ${c.cell_type} cell, its English twin a ${twin.cell_type} cell`);
    else if (c.cell_type !== 'markdown') {
      if (text !== from) problems.push(`${at}: code differs from the English lesson's (code cells are identical)`);
    } else problems.push(...markdownProblems(c, text, from, glossary).map((p) => `${at}: ${p}`));
  }
  return problems;
}

function markdownProblems(c: Cell, text: string, from: string, glossary: readonly Term[]): string[] {
  const stamp = c.metadata?.zh;
  if (stamp && 'untranslated' in stamp)
    return text === from
      ? []
      : ['marked untranslated, but no longer a copy of its English twin: translate it and stamp it'];
  if (!stamp) return ['not stamped: run npm run zh -- stamp on the file once it is translated'];
  const now = paragraphs(from);
  const changed = now.filter((p) => !stamp.from.includes(hash(p)));
  const nowHashes = now.map(hash);
  const gone = stamp.from.filter((h) => !nowHashes.includes(h)).length - changed.length;
  const problems: string[] = [];
  if (changed.length || gone > 0) {
    const what = changed.map((p) => `"${p.split('\n')[0]!.slice(0, 60)}…"`);
    const removed = gone > 0 ? [`${gone} paragraph(s) removed`] : [];
    problems.push(
      `stale: its English twin changed since it was translated (${[...what, ...removed].join('; ')}): update the translation, then stamp it`,
    );
  }
  const share = cjkShare(text);
  if (share < MIN_CJK_SHARE)
    problems.push(`not mostly Chinese (${Math.round(100 * share)} % CJK, at least ${100 * MIN_CJK_SHARE} %)`);
  return [...problems, ...termProblems(from, text, glossary)];
}

/**
 * Stamps a Chinese lesson: each markdown cell not marked untranslated records the paragraphs of its English
 * twin as they are now. Returns the ids of the cells stamped.
 *
 *     stampFile('notebooks/zh/01_what_is_mixed_precision.ipynb') // ['97d84817', …]
 */
export function stampFile(zhFile: string): string[] {
  const zh = readNotebook(zhFile);
  const english = new Map(readNotebook(englishOf(zhFile)).cells.map((c) => [c.id, c]));
  const stamped: string[] = [];
  for (const c of zh.cells) {
    const twin = english.get(c.id);
    const stamp = c.metadata?.zh;
    if (c.cell_type !== 'markdown' || twin?.cell_type !== 'markdown' || (stamp && 'untranslated' in stamp)) continue;
    c.metadata = { ...c.metadata, zh: stampOf(sourceOf(twin)) };
    stamped.push(c.id!);
  }
  writeNotebook(zhFile, zh);
  return stamped;
}

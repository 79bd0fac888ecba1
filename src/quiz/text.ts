/**
 * Text a student reads, in the student's language. The bank's titles, prompts, choices and hints are `Text`:
 * a plain string where the words are the same in every language (a format's name, a number), else one string
 * per language. `inLang` picks one; `studentLang` decides which, in one order everywhere: an explicit choice,
 * then MP_LANG, then the language of the notebook the kernel runs (the Chinese lessons live in notebooks/zh/),
 * else English.
 */
import * as path from 'path';
import { OptionError } from '../mp/errors';

/** The languages the course is written in. */
export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];

/** One string per language. */
export type Translated = { readonly [L in Lang]: string };
/** A plain string where the words are the same in every language, else one string per language. */
export type Text = string | Translated;

/**
 * `text` in `lang`.
 *
 *     inLang({ en: 'wrong value', zh: '结果不对' }, 'zh') // '结果不对'
 *     inLang('float16', 'zh')                              // 'float16'
 */
export function inLang(text: Text, lang: Lang): string {
  return typeof text === 'string' ? text : text[lang];
}

/**
 * Texts run together, language by language.
 *
 *     joinText({ en: 'wrong value', zh: '结果不对' }, ' (1/2)') // { en: 'wrong value (1/2)', zh: '结果不对 (1/2)' }
 */
export function joinText(...parts: readonly Text[]): Translated {
  return Object.fromEntries(LANGS.map((l) => [l, parts.map((p) => inLang(p, l)).join('')])) as Translated;
}

/** Both languages on one line, for what is written once for every student (stubs, answer sheets). */
export function bothLangs(text: Text, separator = ' · '): string {
  return typeof text === 'string' || text.en === text.zh ? inLang(text, 'en') : `${text.en}${separator}${text.zh}`;
}

/** Whether `value` is a `Text`: a string, or an object with exactly a string per language. */
export function isText(value: unknown): value is Text {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === LANGS.length && LANGS.every((l) => typeof (value as Record<string, unknown>)[l] === 'string');
}

/** Throws an OptionError naming the languages unless `value` is one of them. */
export function checkLang(value: unknown, option = 'lang'): Lang {
  if (typeof value === 'string' && (LANGS as readonly string[]).includes(value)) return value as Lang;
  throw new OptionError(
    `${option} must be one of ${LANGS.join(', ')}. Received: ${option}=${JSON.stringify(value)}`,
    option,
    value,
    LANGS,
  );
}

/**
 * The language of a notebook from where it lies: a lesson in notebooks/<lang>/ is in that language, any other
 * in English. `where` is the notebook's path (Jupyter's server passes it to the kernel as JPY_SESSION_NAME) or
 * the folder Jupyter started the kernel in (the course kernel's launcher keeps it in MP_NOTEBOOK_DIR).
 */
export function notebookLang(where: string, isFolder: boolean): Lang | undefined {
  const folder = path.basename(isFolder ? where : path.dirname(where));
  return LANGS.find((l) => l !== 'en' && l === folder);
}

/**
 * The language to show a student: `explicit` (a --lang option, check()'s `lang`), else MP_LANG, else the
 * language of the notebook the kernel runs, else English. An unknown language throws an OptionError.
 *
 *     studentLang('zh')                      // 'zh'
 *     studentLang(undefined, { MP_LANG: 'zh' }) // 'zh'
 */
export function studentLang(explicit?: string, env: NodeJS.ProcessEnv = process.env): Lang {
  if (explicit !== undefined) return checkLang(explicit);
  if (env.MP_LANG) return checkLang(env.MP_LANG, 'MP_LANG');
  const session = env.JPY_SESSION_NAME;
  if (session?.endsWith('.ipynb')) return notebookLang(session, false) ?? 'en';
  return (env.MP_NOTEBOOK_DIR && notebookLang(env.MP_NOTEBOOK_DIR, true)) || 'en';
}

/**
 * check() for notebooks: grades one function, or one concept answer, against a question's cases, shows the
 * result once (a table in JupyterLab, a few lines of text elsewhere) and never throws, so Run All goes on;
 * checkResult() grades the same way and returns the result instead.
 *
 *     await check('l3.q1', ex.roundToFloat16)   // a function
 *     await check('l3.q1')                      // exercises/lesson3/index.ts as saved now
 *     await check('l1.c1')                      // exercises/answers.json as saved now
 *     await check('l1.c1', 65504)               // an answer
 *     await check('l1.q1', ex.formatLimits, { lang: 'zh' })   // feedback in Chinese
 *
 * Feedback is in the student's language: `lang`, else MP_LANG, else the notebook's (text.ts's `studentLang`).
 * A function from an exercise file runs from that file, exactly as `npm run grade` runs it: in a sandbox with
 * a limit per case (a synchronous infinite loop is a timeout, and the kernel stays responsive). A function
 * written in a cell is sent to the sandbox as source. If it needs notebook state that cannot go with it, it runs
 * in the notebook's own process on the public cases only, beside the grader, with no sandbox and no rule
 * enforced: that result says plainly that it is unchecked. Without an OS sandbox, every result says that it is
 * a self-check. Grades come from `npm run grade`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkOptionKeys } from '../mp/errors';
import { answerIn, choiceLetters } from './answers';
import { findQuestion } from './bank';
import { quoted } from './compare';
import { gradeFiles } from './grade';
import { runJudges } from './judges';
import { callInProcess } from './in_process';
import { MSG } from './messages';
import { pointsOf, type CodeQuestion } from './question';
import { readSubmission } from './stage';
import { inLang, studentLang, type Lang, type Text } from './text';
import { gradeConcept, judgeQuestion, type CaseResult } from './verdict';

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly earned: number;
  readonly points: number;
  readonly cases: CaseResult[];
  /** One sentence when the question as a whole did not count: a rule broken, a file that did not load. */
  readonly problem?: string;
  /** How it ran, when that differs from grading: unchecked in the notebook's process, or a self-check. */
  readonly note?: string;
  /** The language of its title and messages. */
  readonly lang: Lang;
  /** A choice question's choices ('a) matmul'), while it is not answered right. */
  readonly choices?: readonly string[];
}

export interface CheckOptions {
  /** The language of the feedback ('en', 'zh'); by default the student's (MP_LANG, the notebook's). */
  readonly lang?: string;
  /** CPU time per case, in ms (default 2000). */
  readonly timeoutMs?: number;
}

type Fn = (...a: unknown[]) => unknown;

/** The exercises folder of the course the kernel runs in (the kernel runs from the project's root). */
const EXERCISES = (): string => path.resolve('exercises');

/** tslab's display, only where a kernel is running (its display throws outside one). */
function tslabDisplay(): { html(s: string): void } | undefined {
  if (!('__tslab__' in globalThis)) return undefined;
  try {
    return (require('tslab') as { display: { html(s: string): void } }).display;
  } catch {
    return undefined;
  }
}

/** The exercise file an exported function came from, if it did (tslab's loaded modules, or Node's). */
function exerciseFile(q: CodeQuestion, fn: Fn): string | undefined {
  const tslab = (globalThis as { __tslab__?: { require(id: string): unknown } }).__tslab__;
  if (tslab) {
    try {
      const mod = tslab.require(`./exercises/${q.file.replace(/\.ts$/, '')}`) as Record<string, unknown> | null;
      if (mod?.[q.export] === fn) return path.join(EXERCISES(), q.file);
    } catch {
      // not loaded by the notebook
    }
  }
  const suffix = path.join(...q.file.split('/'));
  return Object.keys(require.cache).find(
    (file) => file.endsWith(suffix) && (require.cache[file]?.exports as Record<string, unknown>)?.[q.export] === fn,
  );
}

/** A check's settings, resolved once. */
interface Settings {
  readonly lang: Lang;
  readonly timeoutMs: number;
}

type Graded = Omit<CheckResult, 'title' | 'lang'> & { readonly loadFailed: boolean };

/** Grades the files of a submission folder (or one cell's function as its file) for one question. */
async function gradeCode(
  q: CodeQuestion,
  files: ReadonlyMap<string, string>,
  dir: string,
  s: Settings,
): Promise<Graded> {
  const report = await gradeFiles(files, dir, { only: [q.id], timeoutMs: s.timeoutMs, lang: s.lang });
  const r = report.questions[0]!;
  const loadFailure = report.loadFailures[0]?.message;
  const notDone = r.cases.length > 0 && r.cases.every((c) => c.state === 'not-implemented');
  const problem = loadFailure ?? r.problem ?? (notDone ? inLang(MSG.notDone, s.lang) : undefined);
  const note = report.selfCheck ? inLang(MSG.selfCheck(report.selfCheck), s.lang) : undefined;
  return {
    id: q.id,
    earned: r.earned,
    points: r.points,
    cases: r.cases,
    loadFailed: loadFailure !== undefined,
    ...(problem ? { problem } : {}),
    ...(note ? { note } : {}),
  };
}

async function checkFunction(q: CodeQuestion, fn: Fn, s: Settings): Promise<Omit<CheckResult, 'title' | 'lang'>> {
  const file = exerciseFile(q, fn);
  if (file) return gradeCode(q, readSubmission(file.slice(0, file.length - q.file.length)), path.dirname(file), s);
  const source = new Map([[q.file, `export const ${q.export} = (${fn.toString()});\n`]]);
  const { loadFailed, ...sandboxed } = await gradeCode(q, source, path.resolve('notebook'), s);
  const needsState = loadFailed || sandboxed.cases.some((c) => c.thrown === 'ReferenceError');
  if (!needsState) return sandboxed;
  const open = { ...q, cases: q.cases.filter((c) => !c.hidden) };
  const outcomes = [];
  for (const c of open.cases) outcomes.push(await callInProcess(fn, c.args, s.timeoutMs));
  return {
    ...judgeQuestion(open, outcomes, s.lang, await runJudges(open, outcomes)),
    note: inLang(MSG.unchecked, s.lang),
  };
}

/** exercises/answers.json as saved now (never a cached import of it). */
function savedAnswer(id: string): { answer: unknown } | { problem: Text } {
  const file = path.join(EXERCISES(), 'answers.json');
  try {
    const answers = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const entry = typeof answers === 'object' && answers && Object.hasOwn(answers, id) ? answers[id] : undefined;
    return { answer: answerIn(entry) };
  } catch (e) {
    return { problem: MSG.couldNotRead(file, quoted((e as Error).message)) };
  }
}

async function grade(id: string, given: { submission: unknown } | undefined, s: Settings): Promise<CheckResult> {
  const q = findQuestion(id);
  const title = inLang(q.title, s.lang);
  const fail = (problem: Text): CheckResult => ({
    id,
    title,
    earned: 0,
    points: pointsOf(q),
    cases: [],
    problem: inLang(problem, s.lang),
    lang: s.lang,
  });
  if (q.kind !== 'code') {
    const saved = given ? { answer: given.submission } : savedAnswer(id);
    if ('problem' in saved) return fail(saved.problem);
    const c = gradeConcept(q, saved.answer, s.lang);
    const letters = q.choices ? choiceLetters(q.choices) : [];
    const message =
      c.state !== 'unanswered'
        ? c.message
        : inLang(q.choices ? MSG.chooseOne(letters.join(', ')) : MSG.notAnsweredYet, s.lang);
    // a choice question shows its choices until it is answered right: they are part of the question
    const choices = q.choices && !c.passed ? q.choices.map((t, i) => `${letters[i]}) ${inLang(t, s.lang)}`) : undefined;
    return {
      id,
      title,
      earned: c.earned,
      points: c.points,
      cases: [{ ...c, message }],
      lang: s.lang,
      ...(choices ? { choices } : {}),
    };
  }
  if (given?.submission === undefined) {
    const file = path.join(EXERCISES(), q.file);
    if (!fs.existsSync(file)) return fail(MSG.noFileToCheck(file));
    const { loadFailed: _, ...graded } = await gradeCode(q, readSubmission(EXERCISES()), EXERCISES(), s);
    return { ...graded, title, lang: s.lang };
  }
  if (typeof given.submission !== 'function') return fail(MSG.needsFunction(id, typeof given.submission));
  return { ...(await checkFunction(q, given.submission as Fn, s)), title, lang: s.lang };
}

/** One line, for plain-text front ends: "l1.q3 Bytes to store…: 2/4, 2 cases failed". */
export function summary(r: CheckResult): string {
  const failed = r.cases.filter((c) => !c.passed).length;
  const why = r.problem ?? inLang(failed ? MSG.casesFailed(failed) : MSG.allCorrect, r.lang);
  return `${r.id}${r.title ? ` ${r.title}` : ''}: ${r.earned}/${r.points}, ${why}${r.note ? ` (${r.note})` : ''}`;
}

const escape = (s: string): string => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

/** check()'s table: a headline with the points, any note, then a row per case. */
export function renderHtml(title: string, r: CheckResult): string {
  const word = (w: Text): string => escape(inLang(w, r.lang));
  const rows = r.cases
    .map(
      (c) =>
        `<tr><td>${c.passed ? '<span style="color:#1a7f37">✓</span>' : '<span style="color:#cf222e">✗</span>'}</td><td>${escape(c.name)}${c.hidden ? ` <i>${word(MSG.hidden)}</i>` : ''}</td><td>${c.earned}/${c.points}</td><td>${escape(c.message)}</td></tr>`,
    )
    .join('');
  const notes = [r.problem, r.note].filter((s): s is string => !!s).map((s) => `<p>${escape(s)}</p>`);
  if (r.choices)
    notes.push(`<ul style="list-style:none">${r.choices.map((c) => `<li>${escape(c)}</li>`).join('')}</ul>`);
  const head = `<tr><th></th><th>${word(MSG.columns.case)}</th><th>${word(MSG.columns.points)}</th><th>${word(MSG.columns.result)}</th></tr>`;
  return `<div><b>${escape(r.id)}${title ? ` ${escape(title)}` : ''}: ${r.earned}/${r.points}</b>${notes.join('')}<table>${head}${rows}</table></div>`;
}

/**
 * Grades question `id` as check() does, without showing anything: with one argument (or `submission`
 * undefined), what is saved in exercises/ now; else the given function or concept answer. Never throws.
 *
 *     const r = await checkResult('l1.q3', (count: number, bits: number) => Math.ceil((count * bits) / 8));
 *     r.earned; // 4
 */
export async function checkResult(
  id: string,
  ...rest: [submission?: unknown, options?: CheckOptions]
): Promise<CheckResult> {
  let lang: Lang = 'en';
  try {
    const options = rest[1] ?? {};
    checkOptionKeys('check', options, ['lang', 'timeoutMs']);
    lang = studentLang(options.lang);
    const settings = { lang, timeoutMs: options.timeoutMs ?? 2000 };
    return await grade(id, rest.length ? { submission: rest[0] } : undefined, settings);
  } catch (e) {
    const problem = inLang(MSG.couldNotRun(id, e instanceof Error ? e.message : String(e)), lang);
    return { id, title: '', earned: 0, points: 0, cases: [], problem, lang };
  }
}

/**
 * Checks question `id` (see checkResult) and shows the result once: a table in a notebook, lines of text
 * elsewhere. It returns nothing, so a notebook cell that ends with it prints nothing more.
 *
 *     await check('l3.q1', ex.roundToFloat16);
 *     await check('l1.c1');
 */
export async function check(id: string, ...rest: [submission?: unknown, options?: CheckOptions]): Promise<void> {
  const result = await checkResult(id, ...rest);
  try {
    const display = tslabDisplay();
    if (display) {
      display.html(renderHtml(result.title, result));
      return;
    }
  } catch {
    // not inside a running kernel after all
  }
  const lines = [
    summary(result),
    ...(result.choices ?? []).map((c) => `    ${c}`),
    ...result.cases.map(
      (c) => `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}${result.lang === 'zh' ? '：' : ': '}${c.message}`,
    ),
  ];
  console.log(lines.join('\n'));
}

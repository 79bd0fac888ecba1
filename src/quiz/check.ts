/**
 * check() for notebooks: grades one function, or one concept answer, against a question's cases, shows the
 * result once (a table in JupyterLab, a few lines of text elsewhere) and never throws, so Run All goes on;
 * checkResult() grades the same way and returns the result instead.
 *
 *     await check('l3.q1', ex.roundToFloat16)   // a function
 *     await check('l3.q1')                      // exercises/lesson3/index.ts as saved now
 *     await check('l1.c1')                      // exercises/answers.json as saved now
 *     await check('l1.c1', 65504)               // an answer
 *
 * A function from an exercise file runs from that file, exactly as `npm run grade` runs it: in a sandbox with
 * a limit per case (a synchronous infinite loop is a timeout, and the kernel stays responsive). A function
 * written in a cell is sent to the sandbox as source. If it needs notebook state that cannot go with it, it runs
 * in the notebook's own process on the public cases only, beside the grader, with no sandbox and no rule
 * enforced: that result says plainly that it is unchecked. Without an OS sandbox, every result says that it is
 * a self-check. Grades come from `npm run grade`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findQuestion } from './bank';
import { quoted } from './compare';
import { gradeFiles } from './grade';
import { callInProcess } from './in_process';
import type { CodeQuestion } from './question';
import { readSubmission } from './stage';
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

const NOT_DONE = 'not done yet: replace the `throw new NotImplementedError(…)` with your code';
const UNCHECKED =
  'UNCHECKED: this function uses notebook state, so it ran in the notebook’s own process, on the public cases only, with no sandbox and no rule enforced; `npm run grade` decides';

/** Grades the files of a submission folder (or one cell's function as its file) for one question. */
async function gradeCode(q: CodeQuestion, files: ReadonlyMap<string, string>, dir: string, timeoutMs: number) {
  const report = await gradeFiles(files, dir, { only: [q.id], timeoutMs });
  const r = report.questions[0]!;
  const loadFailure = report.loadFailures[0]?.message;
  const notDone = r.cases.length > 0 && r.cases.every((c) => c.message === 'not implemented yet');
  const problem = loadFailure ?? r.problem ?? (notDone ? NOT_DONE : undefined);
  const note = report.selfCheck ? `self-check: ${report.selfCheck}` : undefined;
  return {
    id: q.id,
    earned: r.earned,
    points: r.points,
    cases: r.cases,
    ...(problem ? { problem } : {}),
    ...(note ? { note } : {}),
  };
}

async function checkFunction(q: CodeQuestion, fn: Fn, timeoutMs: number): Promise<Omit<CheckResult, 'title'>> {
  const file = exerciseFile(q, fn);
  if (file)
    return gradeCode(q, readSubmission(file.slice(0, file.length - q.file.length)), path.dirname(file), timeoutMs);
  const source = new Map([[q.file, `export const ${q.export} = (${fn.toString()});\n`]]);
  const sandboxed = await gradeCode(q, source, path.resolve('notebook'), timeoutMs);
  const needsState =
    sandboxed.problem?.includes('did not load') ||
    sandboxed.cases.some((c) => /^threw `ReferenceError:/.test(c.message));
  if (!needsState) return sandboxed;
  const open = { ...q, cases: q.cases.filter((c) => !c.hidden) };
  const outcomes = [];
  for (const c of open.cases) outcomes.push(await callInProcess(fn, c.args, timeoutMs));
  return { ...judgeQuestion(open, outcomes), note: UNCHECKED };
}

/** exercises/answers.json as saved now (never a cached import of it). */
function savedAnswer(id: string): { answer: unknown } | { problem: string } {
  const file = path.join(EXERCISES(), 'answers.json');
  try {
    const answers = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    return { answer: typeof answers === 'object' && answers && Object.hasOwn(answers, id) ? answers[id] : undefined };
  } catch (e) {
    return { problem: `could not read ${file}: ${quoted((e as Error).message)}` };
  }
}

async function grade(id: string, given: { submission: unknown } | undefined, timeoutMs: number): Promise<CheckResult> {
  const q = findQuestion(id);
  const points = q.kind === 'code' ? q.cases.reduce((s, c) => s + c.points, 0) : q.points;
  const fail = (problem: string): CheckResult => ({ id, title: q.title, earned: 0, points, cases: [], problem });
  if (q.kind !== 'code') {
    const saved = given ? { answer: given.submission } : savedAnswer(id);
    if ('problem' in saved) return fail(saved.problem);
    const c = gradeConcept(q, saved.answer);
    const unanswered = saved.answer === null || saved.answer === undefined;
    return {
      id,
      title: q.title,
      earned: c.earned,
      points: c.points,
      cases: [unanswered ? { ...c, message: 'not answered yet' } : c],
    };
  }
  if (!given) {
    const file = path.join(EXERCISES(), q.file);
    if (!fs.existsSync(file)) return fail(`no ${file} to check`);
    return { ...(await gradeCode(q, readSubmission(EXERCISES()), EXERCISES(), timeoutMs)), title: q.title };
  }
  if (typeof given.submission !== 'function') return fail(`${id} needs a function, got ${typeof given.submission}`);
  return { ...(await checkFunction(q, given.submission as Fn, timeoutMs)), title: q.title };
}

/** One line, for plain-text front ends: "l1.q3 Bytes to store…: 2/4, 2 cases failed". */
export function summary(r: CheckResult): string {
  const failed = r.cases.filter((c) => !c.passed).length;
  const why = r.problem ?? (failed ? `${failed} case${failed > 1 ? 's' : ''} failed` : 'all correct');
  return `${r.id}${r.title ? ` ${r.title}` : ''}: ${r.earned}/${r.points}, ${why}${r.note ? ` (${r.note})` : ''}`;
}

const escape = (s: string): string => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

export function renderHtml(title: string, r: CheckResult): string {
  const rows = r.cases
    .map(
      (c) =>
        `<tr><td>${c.passed ? '<span style="color:#1a7f37">✓</span>' : '<span style="color:#cf222e">✗</span>'}</td><td>${escape(c.name)}${c.hidden ? ' <i>(hidden)</i>' : ''}</td><td>${c.earned}/${c.points}</td><td>${escape(c.message)}</td></tr>`,
    )
    .join('');
  const notes = [r.problem, r.note].filter((s): s is string => !!s).map((s) => `<p>${escape(s)}</p>`);
  return `<div><b>${escape(r.id)}${title ? ` ${escape(title)}` : ''}: ${r.earned}/${r.points}</b>${notes.join('')}<table><tr><th></th><th>case</th><th>points</th><th>result</th></tr>${rows}</table></div>`;
}

/**
 * Grades question `id` as check() does, without showing anything: with one argument, what is saved in
 * exercises/ now; with two, the given function or concept answer. Never throws.
 *
 *     const r = await checkResult('l1.q3', (count: number, bits: number) => Math.ceil((count * bits) / 8));
 *     r.earned; // 4
 */
export async function checkResult(
  id: string,
  ...rest: [submission?: unknown, timeoutMs?: number]
): Promise<CheckResult> {
  const timeoutMs = typeof rest[1] === 'number' ? rest[1] : 2000;
  try {
    return await grade(id, rest.length ? { submission: rest[0] } : undefined, timeoutMs);
  } catch (e) {
    const problem = `check('${id}') could not run: ${e instanceof Error ? e.message : String(e)}`;
    return { id, title: '', earned: 0, points: 0, cases: [], problem };
  }
}

/**
 * Checks question `id` (see checkResult) and shows the result once: a table in a notebook, lines of text
 * elsewhere. It returns nothing, so a notebook cell that ends with it prints nothing more.
 *
 *     await check('l3.q1', ex.roundToFloat16);
 *     await check('l1.c1');
 */
export async function check(id: string, ...rest: [submission?: unknown, timeoutMs?: number]): Promise<void> {
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
    ...result.cases.map((c) => `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`),
  ];
  console.log(lines.join('\n'));
}

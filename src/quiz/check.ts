/**
 * check() for notebooks: grades one function (or one concept answer) against a question's cases and shows
 * a result table through tslab's display, or prints it outside Jupyter.
 *
 *     await check('l3.q1', ex.roundToFloat16)
 *     await check('l1.c1', answers['l1.c1'])
 *
 * A function from an exercise file runs from that file, exactly as `npm run grade` runs it: in a sandboxed
 * child with a time limit per case (a synchronous infinite loop is a timeout, and the kernel stays
 * responsive), after the static forbidden-call check. A function written elsewhere (in a cell) is sent to the
 * child as source; if it needs notebook state that cannot go with it, it runs in the notebook's process and
 * the report says so. check() never throws, so Run All goes on: every problem is part of the report.
 */
import * as path from 'path';
import { inspect } from 'util';
import { findQuestion } from './bank';
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
  /** One sentence when the question as a whole did not count: a forbidden call, a file that did not load. */
  readonly problem?: string;
  /** How it ran, when that differs from grading. */
  readonly note?: string;
}

type Fn = (...a: unknown[]) => unknown;

function tslabDisplay(): { html(s: string): void } | undefined {
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
      if (mod?.[q.export] === fn) return path.resolve('exercises', q.file);
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

async function checkCode(q: CodeQuestion, fn: Fn, timeoutMs: number): Promise<Omit<CheckResult, 'title'>> {
  const file = exerciseFile(q, fn);
  const dir = file ? file.slice(0, file.length - q.file.length) : path.resolve('notebook');
  const files = file ? readSubmission(dir) : new Map([[q.file, `export const ${q.export} = (${fn.toString()});\n`]]);
  const report = await gradeFiles(files, dir, { only: [q.id], timeoutMs });
  const r = report.questions[0]!;
  const loadFailure = report.loadFailures[0]?.message;
  const needsState = !file && (loadFailure || r.cases.some((c) => /^threw ReferenceError/.test(c.message)));
  if (needsState) {
    const outcomes = [];
    for (const c of q.cases) outcomes.push(await callInProcess(fn, c.args, timeoutMs));
    const local = judgeQuestion(q, outcomes);
    const note =
      'this function uses notebook state, so it ran in the notebook process: an endless loop there needs Interrupt, and forbidden calls are checked when you submit';
    return { ...local, note };
  }
  const notDone = r.cases.length > 0 && r.cases.every((c) => c.message === 'not implemented yet');
  const problem = loadFailure ?? r.problem ?? (notDone ? NOT_DONE : undefined);
  return { id: q.id, earned: r.earned, points: r.points, cases: r.cases, ...(problem ? { problem } : {}) };
}

async function grade(id: string, submission: unknown, timeoutMs: number): Promise<CheckResult> {
  const q = findQuestion(id);
  if (q.kind !== 'code') {
    const c = gradeConcept(q, submission);
    const unanswered = submission === null || submission === undefined;
    const cases = [unanswered ? { ...c, message: 'not answered yet' } : c];
    return { id, title: q.title, earned: c.earned, points: c.points, cases };
  }
  if (typeof submission !== 'function') {
    const points = q.cases.reduce((s, c) => s + c.points, 0);
    const problem = `${id} needs a function, got ${typeof submission}`;
    return { id, title: q.title, earned: 0, points, cases: [], problem };
  }
  return { ...(await checkCode(q, submission as Fn, timeoutMs)), title: q.title };
}

/** One line, for the cell's printed value: "l1.q3 Bytes to store…: 2/4, 2 cases failed". */
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

export async function check(id: string, submission: unknown, timeoutMs = 2000): Promise<CheckResult> {
  let result: CheckResult;
  try {
    result = await grade(id, submission, timeoutMs);
  } catch (e) {
    const problem = `check('${id}') could not run: ${e instanceof Error ? e.message : String(e)}`;
    result = { id, title: '', earned: 0, points: 0, cases: [], problem };
  }
  const text = [summary(result), ...result.cases.map((c) => `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`)];
  try {
    tslabDisplay()!.html(renderHtml(result.title, result)); // throws outside a running tslab kernel
  } catch {
    console.log(text.join('\n'));
  }
  // the cell prints the returned value: one line, not the whole object
  return Object.defineProperty(result, inspect.custom, { value: () => summary(result), enumerable: false });
}

/**
 * check() for notebooks: grades one function (or one concept answer) against a question's cases and shows
 * a result table through tslab's display, or prints it outside Jupyter.
 *
 *     await check('l3.q1', roundToFloat16)
 *     await check('l1.c1', 65504)
 *
 * It runs the function in the notebook's own process, with a time limit on asynchronous work; a synchronous
 * infinite loop needs the kernel's interrupt. `npm run grade` runs the same cases fully isolated.
 */
import { findQuestion } from './bank';
import { gradeConcept, judge, type CaseResult } from './grade';
import { pointsOf } from './question';
import type { CallOutcome } from './runner';
import { decode, encode } from './wire';

export interface CheckResult {
  readonly id: string;
  readonly earned: number;
  readonly points: number;
  readonly cases: CaseResult[];
}

function tslabDisplay(): { html(s: string): void } | undefined {
  try {
    return (require('tslab') as { display: { html(s: string): void } }).display;
  } catch {
    return undefined;
  }
}

async function callInProcess(
  fn: (...a: unknown[]) => unknown,
  args: readonly unknown[],
  timeoutMs: number,
): Promise<CallOutcome> {
  const tf = require('@tensorflow/tfjs') as { memory(): { numTensors: number } };
  const argsDecoded = decode(encode(args)) as unknown[]; // the function gets its own copy of the arguments
  const before = encode(argsDecoded);
  const tensors = tf.memory().numTensors;
  try {
    const value = await Promise.race([
      Promise.resolve(fn(...argsDecoded)),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(Object.assign(new Error(`did not finish within ${timeoutMs} ms`), { name: 'Timeout' })),
          timeoutMs,
        ),
      ),
    ]);
    return {
      status: 'ok',
      value: encode(value),
      type: typeof value,
      leaked: tf.memory().numTensors - tensors,
      mutated: encode(argsDecoded) !== before,
    };
  } catch (e) {
    const err = e as Error;
    return err?.name === 'Timeout'
      ? { status: 'timeout', detail: err.message }
      : { status: 'error', error: { name: err?.name ?? 'Error', message: String(err?.message ?? e) } };
  }
}

const escape = (s: string): string => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

export function renderHtml(title: string, r: CheckResult): string {
  const rows = r.cases
    .map(
      (c) =>
        `<tr><td>${c.passed ? '✅' : '❌'}</td><td>${escape(c.name)}${c.hidden ? ' <i>(hidden)</i>' : ''}</td><td>${c.earned}/${c.points}</td><td>${escape(c.message)}</td></tr>`,
    )
    .join('');
  return `<div><b>${escape(r.id)} ${escape(title)}: ${r.earned}/${r.points}</b><table><tr><th></th><th>case</th><th>points</th><th>result</th></tr>${rows}</table></div>`;
}

export async function check(id: string, submission: unknown, timeoutMs = 2000): Promise<CheckResult> {
  const q = findQuestion(id);
  let cases: CaseResult[];
  if (q.kind === 'code') {
    if (typeof submission !== 'function') {
      cases = [
        {
          name: 'submission',
          points: pointsOf(q),
          earned: 0,
          passed: false,
          hidden: false,
          message: `${id} needs a function, got ${typeof submission}`,
        },
      ];
    } else {
      cases = [];
      for (const c of q.cases)
        cases.push(judge(c, await callInProcess(submission as (...a: unknown[]) => unknown, c.args, timeoutMs)));
    }
  } else {
    cases = [gradeConcept(q, submission)];
  }
  const result = {
    id,
    earned: cases.reduce((s, c) => s + c.earned, 0),
    points: cases.reduce((s, c) => s + c.points, 0),
    cases,
  };
  const text = `${id} ${q.title}: ${result.earned}/${result.points}\n${cases.map((c) => `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`).join('\n')}`;
  try {
    tslabDisplay()!.html(renderHtml(q.title, result)); // throws outside a running tslab kernel
  } catch {
    console.log(text);
  }
  return result;
}

/**
 * Handing work in: exercises/ packed into one zip, the file a student uploads to the LMS and the collector
 * (collect.ts) unpacks. JupyterLab cannot download a folder, but it downloads a file (right-click →
 * Download), so on a hub this is the way out. The zip holds what grading reads (the TypeScript files and
 * answers.json, node_modules and hidden folders left out), and is checked first: an answers.json that is not
 * JSON, or a zip over the size a submission may have, is refused here rather than by the instructor's
 * collector; exercises not started and questions not answered are listed, and the zip is written anyway.
 */
import * as fs from 'fs';
import * as path from 'path';
import { inspect } from 'util';
import { answerIn } from './answers';
import { loadQuestions } from './bank';
import { GradingError } from './errors';
import { readSubmission } from './stage';
import { mib, SUBMISSION_LIMITS } from './unpack';
import { zipBytes } from './zip';

export interface Submission {
  /** The zip written. */
  readonly file: string;
  readonly files: number;
  readonly bytes: number;
  /** Coding questions whose stub still throws NotImplementedError. */
  readonly notStarted: string[];
  /** Concept questions with no answer in answers.json. */
  readonly unanswered: string[];
  /** Exercise files the questions need that are not there. */
  readonly missing: string[];
}

const COURSE = path.join(__dirname, '../..');

/** What is not complete yet, as a student reads it; empty when everything is. */
export function incomplete(s: Submission): string[] {
  return [
    ...(s.missing.length ? [`missing files: ${s.missing.join(', ')}`] : []),
    ...(s.notStarted.length ? [`not started: ${s.notStarted.join(', ')}`] : []),
    ...(s.unanswered.length ? [`no answer in answers.json: ${s.unanswered.join(', ')}`] : []),
  ];
}

/** The student's view of a packed submission, a line each. */
export function describeSubmission(s: Submission): string[] {
  const todo = incomplete(s);
  return [
    `wrote ${s.file} (${s.files} files, ${(s.bytes / 1024).toFixed(1)} KiB): upload this file to the assignment`,
    ...(todo.length
      ? ['not complete yet (you may still submit it):', ...todo.map((t) => `  ${t}`)]
      : ['complete: every exercise started and every concept question answered']),
  ];
}

/**
 * Packs `exercises` (a folder laid out like exercises/) into the zip `out`.
 *
 *     packSubmission('exercises', 'submission.zip').notStarted // ['l2.q3', …]
 */
export function packSubmission(
  exercises = path.join(COURSE, 'exercises'),
  out = path.join(COURSE, 'submission.zip'),
): Submission {
  if (!fs.existsSync(exercises)) throw new GradingError(`No exercises folder at ${exercises}: nothing to submit.`);
  const files = readSubmission(exercises);
  let answers: Record<string, unknown> = {};
  if (files.has('answers.json')) {
    try {
      answers = JSON.parse(files.get('answers.json')!) as Record<string, unknown>;
    } catch (e) {
      throw new GradingError(
        `answers.json is not valid JSON (${e instanceof Error ? e.message : String(e)}): fix it, then submit again.`,
      );
    }
  }
  const questions = loadQuestions();
  const code = questions.flatMap((q) => (q.kind === 'code' ? [q] : []));
  const missing = [...new Set(code.map((q) => q.file).filter((f) => !files.has(f)))];
  const notStarted = code
    .filter((q) => files.get(q.file)?.includes(`throw new NotImplementedError('${q.id}')`))
    .map((q) => `${q.id} ${q.export}`);
  const unanswered = questions
    .filter((q) => q.kind !== 'code' && [null, undefined, ''].includes(answerIn(answers[q.id]) as null))
    .map((q) => q.id);
  const bytes = [...files.values()].reduce((s, text) => s + Buffer.byteLength(text), 0);
  if (bytes > SUBMISSION_LIMITS.bytes || files.size > SUBMISSION_LIMITS.entries) {
    throw new GradingError(
      `${exercises} holds ${mib(bytes)} in ${files.size} files, more than a submission may ` +
        `(${mib(SUBMISSION_LIMITS.bytes)}, ${SUBMISSION_LIMITS.entries} files): move large files out of it.`,
    );
  }
  const zip = zipBytes([...files].map(([rel, text]) => ({ name: `exercises/${rel}`, data: text })));
  fs.writeFileSync(out, zip);
  return { file: out, files: files.size, bytes: zip.length, notStarted, unanswered, missing };
}

/**
 * For a notebook cell: packs exercises/ into submission.zip beside it and says what is left to do.
 *
 *     submit()
 */
export function submit(): Submission {
  const result = packSubmission();
  const lines = describeSubmission(result);
  lines.push('In JupyterLab: right-click submission.zip in the file browser, then Download.');
  console.log(lines.join('\n'));
  // the cell prints the returned value: one line, not the whole object
  return Object.defineProperty(result, inspect.custom, { value: () => lines[0], enumerable: false });
}

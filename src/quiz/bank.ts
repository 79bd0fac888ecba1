/**
 * Where the questions come from. In the instructor's repository: src/quiz/questions (every case). In a
 * student release, which has no questions/ folder: bank.json, written by `npm run release`, with public
 * cases only and concept answers as hashes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { GradingError } from './errors';
import type { Question } from './question';
import { fromWire } from './wire';

export const BANK_FILE = path.join(__dirname, 'bank.json');

let cached: Question[] | undefined;

/**
 * The question sources are TypeScript. Processes started with tsx (the CLIs, mocha, the grading child)
 * require them directly. Under tslab (a notebook kernel, or npm run html) the library is tslab's compiled
 * copy, and loading the questions with another loader would load a second library; so it asks a short-lived
 * tsx process for the bank, in the wire format that bank.json uses.
 */
function requireQuestions(): Question[] {
  // a computed path, which bundlers leave alone: the kernel's bundle (scripts/kernel/bundle.js) carries no
  // hidden case, and builds in a student release, which has no questions/ folder
  const questions = path.join(__dirname, 'questions', 'index');
  if ('.ts' in require.extensions && !('__tslab__' in globalThis))
    return (require(questions) as { QUESTIONS: Question[] }).QUESTIONS;
  const script = 'process.stdout.write(require("./wire").toWire(require("./questions/index").QUESTIONS))';
  const out = execFileSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
    cwd: __dirname,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // tfjs's greeting on stderr stays out of the notebook
    maxBuffer: 64 << 20,
  });
  return fromWire(out) as Question[];
}

export function loadQuestions(): Question[] {
  if (cached) return cached;
  if (fs.existsSync(path.join(__dirname, 'questions'))) {
    cached = requireQuestions();
  } else if (fs.existsSync(BANK_FILE)) {
    cached = fromWire(fs.readFileSync(BANK_FILE, 'utf8')) as Question[];
  } else {
    throw new GradingError(`No questions: neither src/quiz/questions nor ${BANK_FILE} exists.`);
  }
  return cached;
}

export function findQuestion(id: string): Question {
  const q = loadQuestions().find((x) => x.id === id);
  if (!q) {
    const lessons = [...new Set(loadQuestions().map((x) => x.id.split('.')[0]))];
    throw new GradingError(
      `Unknown question ${JSON.stringify(id)}. Questions: ${loadQuestions()
        .map((x) => x.id)
        .join(', ')}; or a whole lesson: ${lessons.join(', ')}.`,
    );
  }
  return q;
}

/**
 * The question ids a list names: ids as they are, a lesson (`l3`) for every question of that lesson.
 *
 *     questionIds('l1.q1,l3') // ['l1.q1', 'l3.q1', 'l3.q2', 'l3.q3', 'l3.c1']
 */
export function questionIds(list: string): string[] {
  const ids = loadQuestions().map((q) => q.id);
  return list.split(',').flatMap((item) => {
    const name = item.trim();
    const lesson = /^l\d+$/.test(name) ? ids.filter((id) => id.startsWith(`${name}.`)) : [];
    if (lesson.length) return lesson;
    return [findQuestion(name).id];
  });
}

/** Points in hidden cases that the loaded bank does not run: a release's bank counts them, without the cases. */
export function hiddenPointsNotRun(): number {
  return loadQuestions().reduce((s, q) => s + (q.kind === 'code' ? (q.hiddenPoints ?? 0) : 0), 0);
}

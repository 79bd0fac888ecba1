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
  if ('.ts' in require.extensions && !('__tslab__' in globalThis))
    return (require('./questions/index') as { QUESTIONS: Question[] }).QUESTIONS;
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
    throw new GradingError(
      `Unknown question ${JSON.stringify(id)}. Questions: ${loadQuestions()
        .map((x) => x.id)
        .join(', ')}.`,
    );
  }
  return q;
}

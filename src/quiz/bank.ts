/**
 * Where the questions come from. In the instructor's repository: src/quiz/questions (every case). In a
 * student release, which has no questions/ folder: bank.json, written by `npm run release`, with public
 * cases only and concept answers as hashes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GradingError } from './errors';
import type { Question } from './question';
import { decode } from './wire';

export const BANK_FILE = path.join(__dirname, 'bank.json');

let cached: Question[] | undefined;

export function loadQuestions(): Question[] {
  if (cached) return cached;
  if (fs.existsSync(path.join(__dirname, 'questions'))) {
    cached = (require('./questions') as { QUESTIONS: Question[] }).QUESTIONS;
  } else if (fs.existsSync(BANK_FILE)) {
    cached = decode(fs.readFileSync(BANK_FILE, 'utf8')) as Question[];
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

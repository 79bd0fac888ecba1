/**
 * Concept-question answers: normalised, and hashed for the student release. The answer spaces are tiny (a
 * number, one of four choices), so a plain hash would give every answer away to a loop over the candidates:
 * the release keeps an HMAC under the instructor's per-course key instead, which never ships. Grading from
 * the instructor's repository compares answers directly; with the key (MP_COURSE_KEY or .course-key) a
 * release's hashes grade too. Without it, a release can record an answer but not check it.
 */
import { createHmac, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Numbers compare by value ('65504' = 65504 = 6.5504e4); choices by trimmed, case-insensitive text. Anything
 * else (an array, an object from answers.json) is no answer to any question.
 */
export function normaliseAnswer(answer: unknown): string {
  if (typeof answer === 'number') return `n:${answer}`;
  if (typeof answer !== 'string') return `other:${typeof answer}`;
  const text = answer.trim();
  return text !== '' && Number.isFinite(Number(text)) ? `n:${Number(text)}` : `s:${text.toLowerCase()}`;
}

/** Where the instructor's key lives: the repository's root, beside package.json (never in a release). */
export const COURSE_KEY_FILE = path.join(__dirname, '../../.course-key');

/** The per-course key: MP_COURSE_KEY, or .course-key; `create` makes the file on first use (the release does). */
export function courseKey(create = false): string | undefined {
  const fromEnv = process.env.MP_COURSE_KEY;
  if (fromEnv) return fromEnv;
  if (fs.existsSync(COURSE_KEY_FILE)) return fs.readFileSync(COURSE_KEY_FILE, 'utf8').trim();
  if (!create) return undefined;
  const key = randomBytes(32).toString('hex');
  fs.writeFileSync(COURSE_KEY_FILE, `${key}\n`, { mode: 0o600 });
  return key;
}

/** HMAC-SHA256 of a normalised answer under the course key. */
export function answerHash(questionId: string, answer: unknown, key: string): string {
  return createHmac('sha256', key)
    .update(`${questionId}|${normaliseAnswer(answer)}`)
    .digest('hex');
}

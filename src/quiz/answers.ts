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
import { LANGS, inLang, type Text } from './text';

/** The letters of a choice question's choices: a, b, c, … */
export const choiceLetters = (choices: readonly Text[]): string[] => choices.map((_, i) => String.fromCharCode(97 + i));

/**
 * The letter of the choice an answer names: its letter ('b', 'B', 'b)'), or the choice's text in any language
 * (trimmed, in any case); undefined for anything else.
 *
 *     choiceOf('Dynamic quantization', [{ en: 'static', zh: '静态' }, { en: 'dynamic quantization', zh: '动态量化' }]) // 'b'
 */
export function choiceOf(answer: unknown, choices: readonly Text[]): string | undefined {
  if (typeof answer !== 'string') return undefined;
  const text = answer.trim().toLowerCase();
  const letters = choiceLetters(choices);
  const letter = /^([a-z])\s*[).]?$/.exec(text)?.[1];
  if (letter && letters.includes(letter)) return letter;
  const i = choices.findIndex((c) => LANGS.some((l) => inLang(c, l).trim().toLowerCase() === text));
  return i < 0 ? undefined : letters[i];
}

/**
 * Numbers compare by value ('65504' = 65504 = 6.5504e4); with `choices`, a choice question's answer by the
 * choice it names (choiceOf); other text by trimmed, case-insensitive text. Anything else (an array, an object
 * from answers.json) is no answer to any question.
 */
export function normaliseAnswer(answer: unknown, choices?: readonly Text[]): string {
  if (choices) {
    const letter = choiceOf(answer, choices);
    return letter ? `c:${letter}` : `other:${typeof answer}`;
  }
  if (typeof answer === 'number') return `n:${answer}`;
  if (typeof answer !== 'string') return `other:${typeof answer}`;
  const text = answer.trim();
  return text !== '' && Number.isFinite(Number(text)) ? `n:${Number(text)}` : `s:${text.toLowerCase()}`;
}

/**
 * The answer in an answers.json entry: the sheet `npm run exercises` writes holds each question with its
 * choices and an `answer` field; a bare value is an answer too.
 *
 *     answerIn({ question: '…', answer: 65504 }) // 65504
 *     answerIn(65504)                            // 65504
 */
export function answerIn(entry: unknown): unknown {
  const sheet = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
  return sheet && Object.hasOwn(entry, 'answer') ? (entry as { answer: unknown }).answer : entry;
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

/** HMAC-SHA256 of a normalised answer under the course key (`choices`: a choice question's). */
export function answerHash(questionId: string, answer: unknown, key: string, choices?: readonly Text[]): string {
  return createHmac('sha256', key)
    .update(`${questionId}|${normaliseAnswer(answer, choices)}`)
    .digest('hex');
}

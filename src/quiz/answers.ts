/** Concept-question answers: normalised, and hashed for the student release (no plain-text answers there). */
import { createHash } from 'crypto';

/** Numbers compare by value ('65504' = 65504 = 6.5504e4); choices by trimmed, case-insensitive text. */
export function normaliseAnswer(answer: unknown): string {
  if (typeof answer === 'number') return `n:${answer}`;
  const text = String(answer).trim();
  return text !== '' && Number.isFinite(Number(text)) ? `n:${Number(text)}` : `s:${text.toLowerCase()}`;
}

export function answerHash(questionId: string, answer: unknown): string {
  return createHash('sha256')
    .update(`${questionId}|${normaliseAnswer(answer)}`)
    .digest('hex');
}

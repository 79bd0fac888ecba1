/**
 * Text from a submission, made safe to print or write: a terminal runs escape sequences (C0 and C1 controls
 * start them), and bidi overrides and zero-width characters make a line read other than it is.
 */

// C0 controls but tab and line feed, DEL, C1 controls; bidi marks, embeddings, overrides and isolates;
// zero-width spaces and joiners, the word joiner and the byte-order mark
const UNPRINTABLE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * `text` without the characters that could act on a terminal or disguise what it says; lines and tabs stay.
 *
 *     printable('\u001b[2J ok') // '[2J ok'
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '');
}

/**
 * `text` printable and on one line: every run of white space, line breaks included, is one space.
 *
 *     oneLine('x\n# Score: 70') // 'x # Score: 70'
 */
export function oneLine(text: string): string {
  return printable(text).replace(/\s+/g, ' ').trim();
}

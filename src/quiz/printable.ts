/**
 * Text from a submission, made safe to print or write: a terminal runs escape sequences (C0 and C1 controls
 * start them), and bidi overrides and zero-width characters make a line read other than it is.
 */

// C0 controls but tab and line feed, DEL, C1 controls; bidi marks, embeddings, overrides and isolates;
// zero-width spaces and joiners, the word joiner and the byte-order mark; and what renders as nothing: the soft
// hyphen, the combining grapheme joiner, Hangul fillers, Khmer and Mongolian invisibles, variation selectors and
// tag characters
const UNPRINTABLE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

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

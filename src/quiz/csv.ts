/**
 * CSV as spreadsheets and LMS imports read it (RFC 4180): a cell holding a comma, a quote or a line break is
 * quoted, its quotes doubled; a text cell a spreadsheet would read as a formula is defused. Reading accepts the
 * same, and a byte-order mark, which LMS exports may start with.
 */
import { printable } from './printable';

/**
 * A text cell that a spreadsheet would read as a formula (= + - @ after any white space, or a tab first) starts
 * with ', as OWASP's advice on CSV injection has it; numbers stay numbers. Controls and invisible characters are
 * dropped first, so none can hide the formula's first character.
 */
const defused = (v: string | number): string => {
  if (typeof v === 'number') return String(v);
  const s = printable(v);
  return /^(\s*[=+\-@]|\t)/.test(s) ? `'${s}` : s;
};

const cell = (v: string | number): string => {
  const s = defused(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Rows to CSV text, one line per row.
 *
 *     toCsv([['name', 'note'], ['Ada', 'a, b']]) // 'name,note\nAda,"a, b"\n'
 */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/**
 * CSV text to rows of cells; blank lines are dropped.
 *
 *     parseCsv('name,note\nAda,"a, b"\n') // [['name', 'note'], ['Ada', 'a, b']]
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let value = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  const endRow = (): void => {
    row.push(value);
    if (row.some((v) => v !== '')) rows.push(row);
    row = [];
    value = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted && c === '"' && s[i + 1] === '"') {
      value += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      value += c;
    } else if (c === ',') {
      row.push(value);
      value = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRow();
    } else {
      value += c;
    }
  }
  endRow();
  return rows;
}

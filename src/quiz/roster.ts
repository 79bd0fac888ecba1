/**
 * The class list, from the export each LMS offers: who should have submitted, so that collecting can name
 * those who did not. Canvas: the gradebook export (Grades → Export), columns `Student, ID, SIS User ID, …`,
 * a row per student and a "Points Possible" row. Moodle: the grading worksheet (Assignment → Download grading
 * worksheet), `Identifier` ("Participant 501"), `Full name`, `Status`, …, a row per participant; its Status
 * says how late a submission was ("Submitted for grading - 2 days 3 hours late - Graded", as
 * mod/assign/gradingtable.php's col_status joins its parts with " - " for a download), which Moodle's
 * download itself does not.
 */
import * as fs from 'fs';
import { parseCsv } from './csv';
import { GradingError } from './errors';
import type { Lms } from './lms';

export interface Enrolled {
  readonly id: string;
  readonly name: string;
  /** Moodle only: how late, in the worksheet's words. */
  readonly late?: string;
}

const FORMS: Record<Exclude<Lms, 'none'>, { columns: string[]; export: string }> = {
  canvas: { columns: ['Student', 'ID'], export: "Canvas's gradebook export (Grades → Export)" },
  moodle: { columns: ['Identifier', 'Full name', 'Status'], export: "Moodle's grading worksheet" },
};

/**
 * Moodle's lateness phrase in a worksheet Status, if any.
 *
 *     latenessOf('Submitted for grading - 2 days 3 hours late - Graded') // '2 days 3 hours late'
 */
export function latenessOf(status: string): string | undefined {
  return status
    .split(' - ')
    .map((part) => part.trim())
    .find((part) => / late$/.test(part));
}

/**
 * Everyone enrolled, from an LMS's class export (CSV).
 *
 *     readEnrolled('worksheet.csv', 'moodle') // [{ id: '501', name: 'Ada Lovelace', late: '1 day late' }, …]
 */
export function readEnrolled(file: string, lms: Lms): Enrolled[] {
  if (lms === 'none') throw new GradingError('A class list (--roster) needs --lms canvas or --lms moodle.');
  const form = FORMS[lms];
  const [header = [], ...rows] = parseCsv(fs.readFileSync(file, 'utf8'));
  const at = form.columns.map((c) => header.indexOf(c));
  if (at.some((i) => i < 0)) {
    throw new GradingError(
      `${file} is not ${form.export}: it needs the columns ${form.columns.join(', ')}. Received: ${header.join(', ')}.`,
    );
  }
  const cell = (row: string[], column: number): string => (row[at[column]!] ?? '').trim();
  if (lms === 'canvas') {
    return rows.filter((r) => /^\d+$/.test(cell(r, 1))).map((r) => ({ id: cell(r, 1), name: cell(r, 0) }));
  }
  return rows.flatMap((r) => {
    const id = /(\d+)$/.exec(cell(r, 0))?.[1];
    if (!id) return [];
    const late = latenessOf(cell(r, 2));
    return [{ id, name: cell(r, 1), ...(late ? { late } : {}) }];
  });
}

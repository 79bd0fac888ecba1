/**
 * A class folder's settings (class.json), kept from one grading to the next so that a regrade writes the LMS
 * files an import matches with the first: the same assignment column, the same maximum. A change an LMS
 * import would notice is kept, as asked, and comes back as a warning that says what to do about it.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Lms } from './lms';

export interface ClassSettings {
  readonly lms: Lms;
  /** Canvas's assignment column (its gradebook import matches columns by name). */
  readonly assignment: string;
  /** The maximum: the LMS assignment's must equal it. */
  readonly points: number;
  readonly questions: readonly string[];
}

export const SETTINGS_FILE = 'class.json';
export const DEFAULT_ASSIGNMENT = 'Mixed precision course';

/** The settings the class in `dir` was last graded with, if it was: `readSettings('grading/mp101')?.points`. */
export function readSettings(dir: string): ClassSettings | undefined {
  const file = path.join(dir, SETTINGS_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ClassSettings) : undefined;
}

/** Keeps `settings` with the class in `dir`; returns the file written. */
export function writeSettings(dir: string, settings: ClassSettings): string {
  const file = path.join(dir, SETTINGS_FILE);
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
  return file;
}

/**
 * What changed since the class was last graded, in the words an instructor acts on.
 *
 *     settingsChanges({ …, points: 70 }, { …, points: 69 })
 *     // ['the maximum changes from 70 to 69 points: set the LMS assignment's maximum to 69 before importing']
 */
export function settingsChanges(before: ClassSettings, after: ClassSettings): string[] {
  const warnings: string[] = [];
  if (before.assignment !== after.assignment && after.lms === 'canvas') {
    warnings.push(
      `the Canvas column changes from "${before.assignment}" to "${after.assignment}": importing canvas.csv ` +
        `would make a new assignment (pass --assignment "${before.assignment}" to keep it)`,
    );
  }
  if (before.points !== after.points) {
    warnings.push(
      `the maximum changes from ${before.points} to ${after.points} points: set the LMS assignment's maximum to ` +
        `${after.points} before importing`,
    );
  }
  const added = after.questions.filter((q) => !before.questions.includes(q));
  const removed = before.questions.filter((q) => !after.questions.includes(q));
  if (added.length || removed.length) {
    const parts = [
      ...(added.length ? [`added ${added.join(', ')}`] : []),
      ...(removed.length ? [`removed ${removed.join(', ')}`] : []),
    ];
    warnings.push(`the questions changed since the last grading (${parts.join('; ')})`);
  }
  if (before.lms !== after.lms) warnings.push(`the LMS changes from ${before.lms} to ${after.lms}`);
  return warnings;
}

/** Grading a class: every submission through the shared pool of grading children, with progress. */
import { gradeSubmission, type GradeOptions, type Report } from './grade';
import { POOL } from './pool';

export interface ClassProgress {
  readonly done: number;
  readonly total: number;
  readonly seconds: number;
}

/** Grades each folder (one student each); reports come back in the order of `submissions`. */
export async function gradeClass(
  submissions: readonly { readonly dir: string; readonly student: string }[],
  options: GradeOptions = {},
  onProgress?: (p: ClassProgress) => void,
): Promise<Report[]> {
  const reports: Report[] = [];
  const start = Date.now();
  let next = 0;
  let done = 0;
  // enough submissions in flight to keep every child of the pool busy while the next ones are staged
  const lanes = Math.min(submissions.length, 2 * (options.pool ?? POOL).size);
  const lane = async (): Promise<void> => {
    while (next < submissions.length) {
      const i = next++;
      const { dir, student } = submissions[i]!;
      reports[i] = await gradeSubmission(dir, { ...options, student });
      onProgress?.({ done: ++done, total: submissions.length, seconds: (Date.now() - start) / 1000 });
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return reports;
}

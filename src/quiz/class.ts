/**
 * Grading a class: every submission through the shared pool of grading sandboxes, with progress. Each
 * submission is graded on its own: whatever goes wrong with one (even a fault of the grader's own) becomes
 * that student's report, with a message, and the class goes on.
 */
import { loadQuestions } from './bank';
import { failedReport, gradeSubmission, type GradeOptions, type Report } from './grade';
import { POOL } from './pool';

export interface ClassProgress {
  readonly done: number;
  readonly total: number;
  readonly seconds: number;
}

/** How a report begins whose student could not be graded for the grader's own fault. */
export const GRADER_FAULT = 'could not be graded, by a fault of the grader';

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
      reports[i] = await gradeSubmission(dir, { ...options, student }).catch((e: unknown) => {
        const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        return failedReport(dir, `${GRADER_FAULT} (${why}): grade it again`, {
          ...options,
          student,
        });
      });
      onProgress?.({ done: ++done, total: submissions.length, seconds: (Date.now() - start) / 1000 });
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return reports;
}

/**
 * A previous report with some questions graded again (a question fixed after grading): those questions and
 * the load failures of their files come from `regraded`, everything else stays as it was.
 */
export function mergeReport(previous: Report, regraded: Report): Report {
  const fresh = new Map(regraded.questions.map((q) => [q.id, q]));
  const old = new Map(previous.questions.map((q) => [q.id, q]));
  const regradedFiles = new Set(loadQuestions().flatMap((q) => (q.kind === 'code' && fresh.has(q.id) ? [q.file] : [])));
  const questions = loadQuestions().flatMap((q) => {
    const result = fresh.get(q.id) ?? old.get(q.id);
    return result ? [result] : [];
  });
  return {
    ...previous,
    questions,
    loadFailures: [...previous.loadFailures.filter((f) => !regradedFiles.has(f.file)), ...regraded.loadFailures].sort(
      (a, b) => a.file.localeCompare(b.file),
    ),
    earned: questions.reduce((s, q) => s + q.earned, 0),
    points: questions.reduce((s, q) => s + q.points, 0),
    gradedAt: regraded.gradedAt,
  };
}

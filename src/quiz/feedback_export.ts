/**
 * Feedback in the form an LMS takes back. Moodle: "Upload multiple feedback files in a zip" (the assignment's
 * "Feedback files" type) reads a zip whose folders are named as its download names them,
 * `<full name>_<participant>_assignsubmission_file/`, and attaches each file under one to that participant's
 * feedback (mod/assign/feedback/file/importziplib.php: is_valid_filename_for_import takes the participant
 * from the second '_'-separated field and the plugin from the third and fourth). Canvas has no bulk upload of
 * new feedback files: feedback/<name>_<user id>.md is the set to attach in SpeedGrader, one per student.
 */
import type { Report } from './grade';
import type { Student } from './lms';
import { feedbackMarkdown } from './report';
import { zipBytes } from './zip';

/** The file name each student's feedback has inside its Moodle folder. */
export const FEEDBACK_FILE = 'feedback.md';

/**
 * Moodle's feedback-files zip for the students in `roster` that have a report.
 *
 *     fs.writeFileSync('moodle-feedback.zip', moodleFeedbackZip(reports, roster));
 */
export function moodleFeedbackZip(reports: readonly Report[], roster: readonly Student[]): Buffer {
  const byKey = new Map(reports.map((r) => [r.student, r]));
  return zipBytes(
    roster.flatMap((s) => {
      const report = byKey.get(s.key);
      return report
        ? [{ name: `${s.name}_${s.id}_assignsubmission_file/${FEEDBACK_FILE}`, data: feedbackMarkdown(report) }]
        : [];
    }),
  );
}

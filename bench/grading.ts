/** Grading speed: a generated class of 200 through `npm run grade -- --class`, as time per submission. */
import { gradeGeneratedClass } from '../scripts/quiz/sample_class';

/** A class of `n` through `--class`: seconds per submission, and whether the gradebook came out right. */
export function benchGrading(n = 200): void {
  const { seconds, perSubmission, ok } = gradeGeneratedClass(n);
  console.log(
    `grading: ${n} generated submissions in ${seconds.toFixed(1)} s, ${perSubmission.toFixed(2)} s each` +
      `${ok ? '' : ' (WRONG GRADEBOOK)'}`,
  );
}

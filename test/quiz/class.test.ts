import { expect } from 'chai';
import { cpuHogs, gradeGeneratedClass } from '../../scripts/quiz/sample_class';

describe('grading a class of 200 (npm run grade -- --class)', function () {
  this.timeout(1_800_000);

  it('gives every correct student full marks and every hostile one a message, while two CPU-bound processes run beside it', () => {
    const hogs = cpuHogs(2);
    try {
      const r = gradeGeneratedClass(200);
      console.log(
        `      200 submissions in ${r.seconds.toFixed(1)} s beside 2 busy processes: ${r.perSubmission.toFixed(2)} s each`,
      );
      expect(r.ok, r.output.slice(-3000)).to.equal(true);
      expect(r.output).to.match(/graded 20\/200 in [\d.]+ s/);
      expect(r.output).to.match(/graded 200 submissions in [\d.]+ s on \d+ workers: [\d.]+ per second, [\d.]+ s each/);
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
    }
  });
});

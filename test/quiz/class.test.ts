import { expect } from 'chai';
import { gradeGeneratedClass } from '../../scripts/quiz/sample_class';

describe('grading a class of 200 (npm run grade -- --class)', function () {
  this.timeout(900_000);

  it('writes the right gradebook for correct, partial, empty and hostile submissions, with progress', () => {
    const r = gradeGeneratedClass(200);
    console.log(`      200 submissions in ${r.seconds.toFixed(1)} s: ${r.perSubmission.toFixed(2)} s each`);
    expect(r.ok, r.output.slice(-2000)).to.equal(true);
    expect(r.output).to.match(/graded 20\/200 in [\d.]+ s/);
    expect(r.output).to.match(/graded 200 submissions in [\d.]+ s on \d+ workers: [\d.]+ per second, [\d.]+ s each/);
  });
});

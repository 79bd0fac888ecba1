/**
 * One submission cannot hold the class for hours: the limits count CPU time, so code that mostly sleeps
 * (Atomics.wait) runs long in wall time. A submission's sandboxes share a wall-clock budget, after which its
 * remaining cases fail, and a function that timed out twice is not called again.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { gradeSubmission, type QuestionResult } from '../../src/quiz';
import { replaceBody, tempDir, writeSubmission } from '../../scripts/quiz/submissions';

function submission(body: string): string {
  const dir = writeSubmission(path.join(tempDir('wall'), 'sub'));
  fs.writeFileSync(path.join(dir, 'lesson1/index.ts'), replaceBody('lesson1/index.ts', 'smallestChange', body));
  return dir;
}

const only = ['l1.q4'];
const SLEEPS =
  'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600);\n' +
  '  let u = 2 ** -1074;\n  while (roundToFormat(w + u, expBits, manBits) === w) u *= 2;\n  return u;';
const messages = (q: QuestionResult): string[] => q.cases.map((c) => c.message);

describe('a submission that holds its sandbox in wall time', function () {
  this.timeout(300_000);

  it('fails its remaining cases once the wall-clock budget is spent', async () => {
    const r = await gradeSubmission(submission(SLEEPS), { only, lang: 'en', wallMs: 500 });
    const failed = r.questions[0]!.cases.filter((c) => !c.passed);
    expect(failed.length, 'the budget was spent').to.be.above(0);
    for (const c of failed)
      expect(c.message).to.match(
        /^not run: the submission's code used up its 0.5 s of wall-clock time \(twice the sum/,
      );
  });

  it('grades the same code in full within the default budget (control)', async () => {
    const r = await gradeSubmission(submission(SLEEPS), { only, lang: 'en' });
    expect(r.earned, messages(r.questions[0]!).join('\n')).to.equal(r.points);
  });

  it("does not call a function again after its second timeout, and still grades the file's other functions", async () => {
    const r = await gradeSubmission(submission('while (true) {}'), {
      only: [...only, 'l1.q2'], // l1.q2's decodeFloat lives in the same file
      lang: 'en',
      timeoutMs: 300,
    });
    const other = r.questions.find((q) => q.id === 'l1.q2')!;
    expect(other.earned, messages(other).join('\n')).to.equal(other.points);
    const q = messages(r.questions.find((q) => q.id === 'l1.q4')!);
    expect(q.length).to.be.above(2);
    expect(q.slice(0, 2)).to.deep.equal(Array(2).fill('did not finish within 300 ms of CPU time (an infinite loop?)'));
    for (const m of q.slice(2)) expect(m).to.match(/^not run: two earlier cases of this function ran out of time/);
  });
});

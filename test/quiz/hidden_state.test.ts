/**
 * State a submission keeps between calls cannot carry hidden arguments out: every public case of a sandbox
 * runs before any hidden one. The attack: lesson 1's functions record their arguments, and a later public case
 * (l1.q3) throws what they recorded, which public feedback shows.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { feedbackMarkdown, gradeSubmission, loadQuestions, type CodeQuestion, type Report } from '../../src/quiz';
import { inLang } from '../../src/quiz/text';
import { tempDir, writeSubmission } from '../../scripts/quiz/submissions';

const RECORD = 'const seen: unknown[] = [];\n';

describe('a submission that records the arguments it is called with', function () {
  this.timeout(120_000);

  it('throws only public arguments in a public case, and its hidden cases still pass', async () => {
    const dir = writeSubmission(path.join(tempDir('hidden-state'), 'sub'));
    const file = path.join(dir, 'lesson1/index.ts');
    const source = fs
      .readFileSync(file, 'utf8')
      .replace(
        /(export function formatLimits\(expBits: number, manBits: number\): Limits \{\n)/,
        `$1  seen.push([expBits, manBits]);\n`,
      )
      .replace(
        /(export function decodeFloat\(bits: number, spec: SmallFloatSpec\): number \{\n)/,
        `$1  seen.push(bits);\n`,
      )
      .replace(
        /(export function roundToFormat\(x: number, expBits: number, manBits: number\): number \{\n)/,
        "$1  if (seen.length) throw new Error('SEEN ' + JSON.stringify(seen));\n",
      );
    expect(source.match(/seen\./g), 'the attack is in place').to.have.length(3);
    fs.writeFileSync(file, RECORD + source);

    const report = await gradeSubmission(dir, { only: ['l1.q1', 'l1.q2', 'l1.q3'], lang: 'en' });
    const byId = new Map(report.questions.map((q) => [q.id, q]));
    // control: the recording costs nothing where nothing is thrown
    for (const id of ['l1.q1', 'l1.q2']) expect(byId.get(id)!.earned, id).to.equal(byId.get(id)!.points);

    const thrown = byId
      .get('l1.q3')!
      .cases.filter((c) => !c.hidden)
      .map((c) => c.message);
    expect(thrown.join('\n'), 'the public case threw what it saw').to.match(/SEEN/);
    const cases = (id: string): CodeQuestion['cases'] =>
      (loadQuestions().find((q) => q.id === id) as CodeQuestion).cases;
    // what the attack records: l1.q1's two arguments, l1.q2's bit pattern
    const publicArgs = [
      ...cases('l1.q1')
        .filter((c) => !c.hidden)
        .map((c) => JSON.stringify(c.args)),
      ...cases('l1.q2')
        .filter((c) => !c.hidden)
        .map((c) => JSON.stringify(c.args[0])),
    ];
    for (const message of thrown) {
      const seen = JSON.parse(/SEEN (\[.*\])/.exec(message.replace(/`/g, ''))?.[1] ?? '[]') as unknown[];
      for (const arg of seen)
        expect(publicArgs, `a hidden argument reached public feedback: ${message}`).to.include(JSON.stringify(arg));
    }
  });

  it('names a hidden case "hidden case N" in feedback, never by its name in the bank, which may state its input', async () => {
    const ids = ['l1.q1', 'l1.q2'];
    const report: Report = await gradeSubmission(writeSubmission(path.join(tempDir('hidden-names'), 'sub')), {
      only: ids,
      lang: 'en',
    });
    const md = feedbackMarkdown(report);
    for (const id of ids) {
      const bank = (loadQuestions().find((q) => q.id === id) as CodeQuestion).cases;
      const graded = report.questions.find((q) => q.id === id)!.cases;
      const hiddenNames = bank.filter((c) => c.hidden).map((_, n) => `hidden case ${n + 1}`);
      expect(graded.filter((c) => c.hidden).map((c) => c.name)).to.deep.equal(hiddenNames);
      for (const c of bank) {
        const name = inLang(c.name, 'en');
        // control: a public case keeps its name
        if (c.hidden) expect(md, `${id}: the hidden case's name ${name}`).not.to.include(`${name}:`);
        else expect(md).to.include(`${name}:`);
      }
    }
  });
});

/**
 * Lesson 6's usual wrong answers (src/quiz/questions/lesson6_mistakes.ts): each formula is wrong on at least one
 * hidden case of its question, so a student who writes it cannot pass by the public cases alone, and none of
 * them is the expected answer on every case; and the judge of its open task grades by what a choice achieves.
 */
import { expect } from 'chai';
import { compare, findQuestion, inLang, type CodeQuestion } from '../../src/quiz';
import { mxQuantize } from '../../src/mp/index';
import { judgedBy, runJudge } from '../../src/quiz/judges';
import type { Mistake } from '../../src/quiz/question';
import {
  CHEAPEST_MX,
  DECODE_E4M3,
  DELAYED_SCALES,
  MX_SCALE_EXPONENTS,
  NVFP4_SCALES,
} from '../../src/quiz/questions/lesson6_mistakes';

const MISTAKES: [string, readonly Mistake[]][] = [
  ['l6.q1', DECODE_E4M3],
  ['l6.q2', DELAYED_SCALES],
  ['l6.q3', MX_SCALE_EXPONENTS],
  ['l6.q4', NVFP4_SCALES],
  ['l6.q5', CHEAPEST_MX],
];

describe("lesson 6's hidden cases catch the usual wrong answers", function () {
  this.timeout(60_000);
  for (const [id, mistakes] of MISTAKES) {
    const question = findQuestion(id) as CodeQuestion;
    for (const m of mistakes) {
      it(`${id}: ${inLang(m.hint, 'en')}`, () => {
        const caught = question.cases.filter((c) => {
          const got = m.formula(...(c.args as never[]));
          return c.hidden && !compare(c.expected, got, c.compare ?? { kind: 'exact' }).passed;
        });
        expect(caught.map((c) => inLang(c.name, 'en'))).to.not.be.empty;
      });
    }
  }
});

describe("lesson 6's judge of the open task (mxChoiceWithin)", function () {
  this.timeout(60_000);
  // four rows of 16 at scales 2^0 .. 2^-9: fp4 misses 5 %, so the cheapest choice within it is 6-bit
  const values = Array.from({ length: 64 }, (_, i) => Math.fround(Math.sin(i + 1) * 2 ** -(3 * Math.floor(i / 16))));
  const params = { values, rows: 4, cols: 16, maxError: 0.05, blockSizes: [8, 16] };
  const spec = judgedBy('mxChoiceWithin', params);
  const scoreOf = async (answer: unknown): Promise<number | undefined> => {
    const r = await runJudge(spec, answer);
    return 'score' in r ? r.score : undefined;
  };
  const errorOf = (format: string, blockSize: number): number =>
    mxQuantize(Float32Array.from(values), format, blockSize, { shape: [4, 16] }).error.relativeRmse;

  it('gives full points to a choice within the bound at the fewest bits, half to a dearer one, none to one above it', async () => {
    expect(errorOf('MXFP4_E2M1', 8)).to.be.above(0.05);
    expect(errorOf('MXFP6_E2M3', 16)).to.be.at.most(0.05);
    expect(await scoreOf({ format: 'MXFP6_E2M3', blockSize: 16 })).to.equal(1);
    expect(await scoreOf({ format: 'MXINT8', blockSize: 8 })).to.equal(0.5);
    expect(await scoreOf({ format: 'MXFP4_E2M1', blockSize: 8 })).to.equal(0);
  });

  it('takes null only where no choice reaches the bound, and gives nothing for a malformed answer', async () => {
    expect(await scoreOf(null)).to.equal(0);
    expect(await scoreOf({ format: 'MXFP6_E2M3', blockSize: 32 })).to.equal(0); // not one of its block sizes
    expect(await scoreOf('MXFP6_E2M3')).to.equal(0);
    const impossible = judgedBy('mxChoiceWithin', { ...params, maxError: 1e-6 });
    expect(await runJudge(impossible, null)).to.include({ score: 1 });
  });

  it('refuses parameters that do not describe a matrix', () => {
    expect(() => judgedBy('mxChoiceWithin', { ...params, rows: 5 })).to.throw(/rows × cols/);
  });
});

/**
 * Lesson 6's usual wrong answers (src/quiz/questions/lesson6_mistakes.ts): each formula is wrong on at least one
 * hidden case of its question, so a student who writes it cannot pass by the public cases alone, and none of
 * them is the expected answer on every case.
 */
import { expect } from 'chai';
import { compare, findQuestion, inLang, type CodeQuestion } from '../../src/quiz';
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

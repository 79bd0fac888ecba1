/**
 * Judges grade open, measured tasks by what the student's returned value achieves: a number in a range, a
 * number the library's own run confirms (the smallest that works earns full points), a config that reaches a
 * test accuracy in a fixed, cached training run. Each runs within a time limit and never throws.
 */
import { expect } from 'chai';
import { OptionError } from '../../src/mp';
import { judgedBy, PROBES, runJudge, type JudgeOutcome, type JudgeVerdict } from '../../src/quiz/judges';
import { hidden, judged } from '../../src/quiz/question';
import type { CallOutcome } from '../../src/quiz/runner';
import { inLang } from '../../src/quiz/text';
import { judge, judgeQuestion } from '../../src/quiz/verdict';

const verdict = (o: JudgeOutcome): JudgeVerdict => {
  if ('failed' in o) throw new Error(`the judge ${o.failed}`);
  return o;
};
const returned = (value: unknown): CallOutcome => ({
  status: 'ok',
  value,
  type: typeof value,
  leaked: 0,
  mutated: false,
});

// float16's smallest subnormal is 2^−24 ≈ 5.96e-8; a product rounds to it from 2^−25 ≈ 2.98e-8 up, so
// 1e-8 needs a scale of at least 2.98: 4 is the smallest power of two, and 2^32 sends 3e-6 past 65504
const SCALE = judgedBy('numberConfirmed', {
  lo: 1,
  hi: 2 ** 40,
  probe: 'scaleKeepsAll',
  args: { values: [1e-8, 3e-6], format: 'float16' },
  smallest: 2,
});

describe('judges', function () {
  this.timeout(120_000);

  it('takes a number in its range, part of the points near it, and says why otherwise', async () => {
    const spec = judgedBy('numberInRange', { lo: 10, hi: 12, partial: { lo: 8, hi: 14, score: 0.5 } });
    expect(verdict(await runJudge(spec, 11)).score).to.equal(1);
    expect(verdict(await runJudge(spec, 13)).score).to.equal(0.5);
    const far = verdict(await runJudge(spec, 20));
    expect(far.score).to.equal(0);
    expect(inLang(far.message, 'en')).to.equal('20 is outside [10, 12], where the answer lies');
    expect(inLang(verdict(await runJudge(spec, '11')).message, 'zh')).to.equal('应为有限数值，实际为 `"11"`');
  });

  it("asks the course's memory calculator whether a model fits over a number of GPUs", () => {
    const chinchilla = {
      model: 'Chinchilla (70B)',
      tokens: 2048,
      batch: 1,
      recompute: 'full',
      budgetBytes: 40e9,
    } as const;
    // 16 bytes × 70e9 / 32 = 35 GB of states and 3 GB of activations fit 40 GB; over 16 GPUs the states alone are 70 GB
    expect(PROBES.fitsInMemory(32, chinchilla)).to.equal(true);
    expect(PROBES.fitsInMemory(16, chinchilla)).to.equal(false);
    expect(PROBES.fitsInMemory(32.5, chinchilla)).to.equal(false);
  });

  it('asks the library whether a loss scale keeps the gradients, and gives full points to the smallest', async () => {
    expect(PROBES.scaleKeepsAll(4, { values: [1e-8, 3e-6], format: 'float16' })).to.equal(true);
    expect(PROBES.scaleKeepsAll(2, { values: [1e-8, 3e-6], format: 'float16' })).to.equal(false);
    expect(PROBES.scaleKeepsAll(2 ** 35, { values: [1e-8, 3e-6], format: 'float16' })).to.equal(false);
    expect(verdict(await runJudge(SCALE, 4))).to.deep.include({ score: 1 });
    const bigger = verdict(await runJudge(SCALE, 64));
    expect(bigger.score).to.equal(0.5);
    expect(inLang(bigger.message, 'en')).to.equal('64 works, but so does 32: find the smallest');
    expect(verdict(await runJudge(SCALE, 2)).score).to.equal(0);
    expect(verdict(await runJudge(SCALE, 2 ** 35)).score).to.equal(0);
  });

  it('asks the library whether every format stores a float32 value more than a given share off', () => {
    const both = { formats: ['bfloat16', 'float16'], relError: 0.01 };
    // halfway between bfloat16's two smallest subnormals: 2^-132 stored, a third off; float16 gives 0
    expect(PROBES.lostInAll(1.5 * 2 ** -133, both)).to.equal(true);
    // float16's subnormal range, where bfloat16 is normal and within 2^-8
    expect(PROBES.lostInAll(Math.fround(1e-7), both)).to.equal(false);
    // no float32 value, and zero, which every format holds
    expect(PROBES.lostInAll(0.1, both)).to.equal(false);
    expect(PROBES.lostInAll(0, both)).to.equal(false);
  });

  it('asks the library whether a loss scale loses fewer than a budget of the non-zero gradients, overflowing none', () => {
    const keeps = (scale: number, values: number[], budget: number) =>
      PROBES.scaleKeepsShare(scale, { values, format: 'float16', budget });
    expect(keeps(2 ** 20, [2 ** -40, 1e-3], 0.5)).to.equal(true);
    expect(keeps(1, [2 ** -40, 1e-3], 0.5), 'a share equal to the budget').to.equal(false);
    expect(keeps(1, [0, 0, 1e-3], 0.01), 'zeros are not counted').to.equal(true);
    expect(keeps(2 ** 5, [2 ** -30, 2 ** -30, 1], 0.5), '2^-25 rounds to 0').to.equal(false);
    expect(keeps(2 ** 5, [1.5 * 2 ** -30, 1.5 * 2 ** -30, 1], 0.5), 'just above 2^-25 rounds up').to.equal(true);
    expect(keeps(2, [1e-3, 60000], 0.5), 'an overflow').to.equal(false);
  });

  it('rejects an author’s wrong parameters as the bank loads, naming what is wrong', () => {
    expect(() => judgedBy('numberInRange', { lo: 2, hi: 1 })).to.throw(OptionError, /lo ≤ hi, got `2` and `1`/);
    expect(() =>
      judgedBy('numberConfirmed', {
        lo: 0,
        hi: 1,
        probe: 'nope' as 'scaleKeepsAll',
        args: { values: [], format: 'float16' },
      }),
    ).to.throw(OptionError, /unknown probe `"nope"`; probes: scaleKeepsAll, [\w, ]*lostInAll/);
    expect(() => judgedBy('experimentReaches', { keys: ['epochs'], fixed: { epochs: 1 }, threshold: 0.5 })).to.throw(
      OptionError,
      /both the student's and fixed/,
    );
  });

  it('runs a returned config through a fixed training run, and judges the accuracy it reaches', async () => {
    const fixed = { epochs: 1, trainLimit: 2000, seed: 0 };
    const spec = judgedBy('experimentReaches', { keys: ['learningRate', 'policy'], fixed, threshold: 0.5 });
    const ok = verdict(await runJudge(spec, { learningRate: 0.01, policy: 'mixed_float16' }));
    expect(ok.score).to.equal(1);
    expect(inLang(ok.message, 'en')).to.match(/^reached \d+\.\d % test accuracy$/);
    const strict = judgedBy('experimentReaches', { keys: ['learningRate'], fixed, threshold: 0.999, partialAt: 0.5 });
    expect(verdict(await runJudge(strict, { learningRate: 0.01 })).score).to.equal(0.5);
    const unknown = verdict(await runJudge(spec, { learningRate: 0.01, epochs: 50 }));
    expect(unknown.score).to.equal(0);
    expect(inLang(unknown.message, 'en')).to.equal('unknown setting `epochs`; the task takes learningRate, policy');
    const refused = verdict(await runJudge(spec, { policy: 'float12' }));
    expect(refused.score).to.equal(0);
    expect(inLang(refused.message, 'en')).to.match(/^the run refused it: `.*float12/);
  });

  it("measures a precision choice on lesson 4's block: what it predicts, and whether every kept op is needed", async function () {
    const ops: ('softmax' | 'layer_norm' | 'cross_entropy' | 'add')[] = [
      'softmax',
      'layer_norm',
      'cross_entropy',
      'add',
    ];
    this.timeout(900_000); // trains the block once, then evaluates it a few times
    const spec = judgedBy('blockKeepsPredicting', { residual: 512, queryKey: 256, ops, minimal: true }, 600_000);
    expect(() => judgedBy('blockKeepsPredicting', { residual: 0, queryKey: 1, ops })).to.throw(OptionError, /residual/);
    expect(() => judgedBy('blockKeepsPredicting', { residual: 1, queryKey: 1, ops: ['conv2d' as 'add'] })).to.throw(
      OptionError,
      /unknown ops `\["conv2d"\]`/,
    );
    const malformed = verdict(await runJudge(spec, { keep: ['matmul'], scaleFirst: true }));
    expect(malformed.score).to.equal(0);
    expect(inLang(malformed.message, 'en')).to.match(/^expected \{ keep: a list of softmax, layer_norm/);
    // an op kept twice would cost one more evaluation each: a long list of one op must not hold a grading slot
    const repeated = verdict(await runJudge(spec, { keep: Array(1000).fill('layer_norm'), scaleFirst: true }));
    expect(repeated.score).to.equal(0);
    expect(inLang(repeated.message, 'en')).to.match(/each at most once/);
    expect(verdict(await runJudge(spec, { keep: ['layer_norm'], scaleFirst: true })).score).to.equal(1);
    const more = verdict(await runJudge(spec, { keep: ['layer_norm', 'add'], scaleFirst: true }));
    expect(more.score).to.equal(0.5);
    expect(inLang(more.message, 'en')).to.match(/and still does with add in float16: keep fewer ops$/);
    const late = verdict(await runJudge(spec, { keep: ops, scaleFirst: false }));
    expect(late.score).to.equal(0);
    expect(inLang(late.message, 'en')).to.match(/^the block predicts \d+\.\d % of the held-out tokens, against/);
  });

  it('stops at its time limit, and turns an unknown judge or a judge’s error into the grader’s fault', async () => {
    const slow = judgedBy(
      'experimentReaches',
      { keys: ['learningRate'], fixed: { epochs: 3, seed: 1 }, threshold: 0.5 },
      1,
    );
    expect(await runJudge(slow, { learningRate: 0.002 })).to.deep.equal({ failed: 'timeout' });
    expect(await runJudge({ name: 'evalThis' as 'numberInRange', params: {} }, 1)).to.deep.equal({ failed: 'error' });
  });

  it('gives a judged case its share of the points; a hidden one shows what it catches, never the judge’s words', async () => {
    const q = {
      kind: 'code' as const,
      id: 'x.q1',
      title: 'loss scale',
      minutes: 5,
      file: 'x.ts',
      export: 'f',
      cases: [
        judged('smallest scale', [], SCALE, { points: 4 }),
        hidden('again', [], undefined, { judge: SCALE, points: 2, catches: 'a scale that overflows' }),
      ],
    };
    const outcomes = [returned(64), returned(2 ** 35)];
    const judgedOutcomes = new Map([
      [0, await runJudge(SCALE, 64)],
      [1, await runJudge(SCALE, 2 ** 35)],
    ]);
    const r = judgeQuestion(q, outcomes, 'en', judgedOutcomes);
    expect(r.cases.map((c) => [c.earned, c.passed])).to.deep.equal([
      [2, false],
      [0, false],
    ]);
    expect(r.cases[0]!.message).to.equal('64 works, but so does 32: find the smallest');
    expect(r.cases[1]!.message).to.equal('wrong value. This case catches: a scale that overflows');
    expect(judge(q, q.cases[0]!, returned(4), 'zh', { failed: 'timeout' }).message).to.match(/^评判超过了 60 秒/);
    expect(judge(q, q.cases[0]!, returned(4), 'en').message).to.match(/^could not be judged/);
  });
});

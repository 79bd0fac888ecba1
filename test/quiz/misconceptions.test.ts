/**
 * Feedback per mistake: a wrong answer gets the hint of each known wrong answer it matches (a value a named wrong
 * formula gives, or a test of the answer), a hidden case says what it catches without its input, and a timeout,
 * a crash or an exception gets no hint at all.
 */
import { expect } from 'chai';
import { checkResult, loadQuestions, publicQuestion, type CodeQuestion } from '../../src/quiz';
import { matchingHints } from '../../src/quiz/misconceptions';
import { hidden, mistake, shown } from '../../src/quiz/question';
import { inLang } from '../../src/quiz/text';

const hintsOf = (message: string): string[] => message.split('. Hint: ').slice(1);

describe('hints per mistake', function () {
  this.timeout(120_000);

  it('gives the hint of the wrong formula an answer matches, and only the explanation where none does', async () => {
    // half the gap above w: at w = 1 a tie, which goes back to 1
    const halfGap = await checkResult('l1.q4', (_w: number, _e: number, m: number) => 2 ** -m / 2);
    expect(hintsOf(halfGap.cases[0]!.message))
      .to.have.length(1)
      .and.match(/^Half the gap \(half an ulp\) is a tie/);
    expect(halfGap.cases[0]!.message).to.match(/^expected 0\.0078125, got 0\.00390625\. Hint: /);
    const unknown = await checkResult('l1.q4', () => 0.5);
    expect(unknown.cases[0]!.message).to.equal('expected 0.0078125, got 0.5');
  });

  it('tells forgotten subnormals from a reserved exponent in l1.q1, by the field that is wrong', async () => {
    const r = await checkResult('l1.q1', (e: number, m: number) => {
      const bias = 2 ** (e - 1) - 1;
      const normal = 2 ** (1 - bias);
      return { maxFinite: (2 - 2 ** -m) * 2 ** bias, minNormal: normal, minSubnormal: normal, epsilon: 2 ** -m };
    });
    const hints = hintsOf(r.cases[0]!.message);
    expect(hints).to.have.length(1);
    expect(hints[0]).to.match(/^minSubnormal: below the smallest normal value/);
  });

  // cell functions go to the sandbox as their source: each stands alone (no closure, no inner named function)
  it('tells a wrong subnormal exponent from a missing subnormal branch in l1.q2', async () => {
    const wrongExponent = await checkResult('l1.q2', (bits: number, spec: { expBits: number; manBits: number }) => {
      const [E, M] = [spec.expBits, spec.manBits];
      const bias = 2 ** (E - 1) - 1;
      const sign = Math.floor(bits / 2 ** (E + M)) % 2 ? -1 : 1;
      const [e, m] = [Math.floor(bits / 2 ** M) % 2 ** E, bits % 2 ** M];
      if (e === 2 ** E - 1) return m ? NaN : sign * Infinity;
      if (e === 0) return sign * (m / 2 ** M) * 2 ** -bias;
      return sign * (1 + m / 2 ** M) * 2 ** (e - bias);
    });
    const noBranch = await checkResult('l1.q2', (bits: number, spec: { expBits: number; manBits: number }) => {
      const [E, M] = [spec.expBits, spec.manBits];
      const bias = 2 ** (E - 1) - 1;
      const sign = Math.floor(bits / 2 ** (E + M)) % 2 ? -1 : 1;
      const [e, m] = [Math.floor(bits / 2 ** M) % 2 ** E, bits % 2 ** M];
      if (e === 2 ** E - 1) return m ? NaN : sign * Infinity;
      return sign * (1 + m / 2 ** M) * 2 ** (e - bias);
    });
    const subnormal = (r: typeof noBranch): string => r.cases.find((c) => c.name === 'hidden case 1')!.message;
    expect(hintsOf(subnormal(wrongExponent)))
      .to.have.length(1)
      .and.match(/^A subnormal shares the smallest normal exponent/);
    expect(hintsOf(subnormal(noBranch)))
      .to.have.length(1)
      .and.match(/^Exponent field 0 is special/);
  });

  it('says what a hidden case catches, never its input', async () => {
    const r = await checkResult('l3.q2', (values: number[]) => ({
      overflow: values.filter((v) => Math.abs(v) >= 65520).length / values.length,
      underflow: values.filter((v) => Math.abs(v) < 2 ** -25).length / values.length, // zeros too
    }));
    const zeros = r.cases.findIndex((c) => c.hidden && !c.passed);
    const gradients = r.cases[zeros]!;
    expect(gradients.message).to.equal(
      'wrong value. This case catches: zeros counted as underflow. ' +
        'Hint: zero counted as underflow: only non-zero values that become 0 underflow.',
    );
    const args = (loadQuestions().find((q) => q.id === 'l3.q2') as CodeQuestion).cases[zeros]!.args;
    for (const v of (args[0] as number[]).filter((x) => x !== 0)) expect(gradients.message).not.to.include(String(v));
  });

  it('gives no hint for a timeout or an exception, which do not say which mistake they were', async () => {
    const threw = await checkResult('l1.q4', () => {
      throw new RangeError('nope');
    });
    expect(threw.cases.map((c) => c.message)).to.deep.equal([
      ...new Array(2).fill('threw `RangeError: nope` at lesson1/index.ts:1'),
      ...new Array(4).fill('threw an error'),
    ]);
    const slow = await checkResult('l3.q2', () => new Promise(() => {}), { timeoutMs: 50 });
    expect(slow.cases.every((c) => !c.message.includes('Hint') && !c.message.includes('catches'))).to.equal(true);
  });

  it('speaks the student’s language', async () => {
    // half the gap above |w|, and 0 at zero
    const r = await checkResult(
      'l1.q4',
      (w: number, _e: number, m: number) => 2 ** (Math.floor(Math.log2(Math.abs(w))) - m) / 2,
      { lang: 'zh' },
    );
    expect(r.cases[0]!.message).to.match(/^应为 0.0078125，实际为 0.00390625。提示：半个间距（半个末位单位）是平局/);
    expect(r.cases[4]!.message).to.match(/^结果不对。本用例针对的错误：值为零的权重（次正规数的间距）。提示：/);
  });
});

describe('misconceptions as data', () => {
  const expected = { scale: 2, grads: [1, 2] };
  const c = shown('c', [], expected, {
    misconceptions: [
      { test: { kind: 'above', at: 'scale' }, hint: 'too big' },
      { test: { kind: 'below', at: 'grads.1' }, hint: 'too small' },
      { test: { kind: 'nonFinite', at: 'grads' }, hint: 'inf' },
      { value: { scale: 4 }, hint: 'doubled' },
    ],
  });

  it('match by a test of the answer, or by a partial value on its own fields', () => {
    expect(matchingHints(c, { scale: 4, grads: [1, 2] })).to.deep.equal(['too big', 'doubled']);
    expect(matchingHints(c, { scale: 1, grads: [1, 1] })).to.deep.equal(['too small']);
    expect(matchingHints(c, { scale: 2, grads: [NaN, 2] })).to.deep.equal(['inf']);
    expect(matchingHints(c, 'nonsense')).to.deep.equal([]);
  });

  it('hold the value each wrong formula gives for the case, and none that equals the expected value', () => {
    const halve = mistake((x: number) => x / 2, 'halved');
    const same = mistake((x: number) => x, 'never fires');
    const made = hidden('h', [8], 8, { mistakes: [halve, same], catches: 'halving' });
    expect(made.misconceptions).to.deep.equal([{ value: 4, hint: 'halved' }]);
    expect(made.catches).to.equal('halving');
    expect(made).not.to.have.property('mistakes');
  });

  it('ship in a release for public cases, which leaves hidden cases (and theirs) out', () => {
    const q = loadQuestions().find((x) => x.id === 'l1.q3') as CodeQuestion;
    const released = publicQuestion(q) as CodeQuestion;
    expect(released.cases.every((x) => !x.hidden)).to.equal(true);
    expect(released.cases[1]!.misconceptions!.map((m) => inLang(m.hint, 'en'))).to.deep.equal([
      'A plain cast to a format with infinities overflows to ±∞; saturating at maxFinite is what the scaled casts of FP8 recipes do.',
    ]);
    expect(JSON.stringify(released)).not.to.include('instead of to even');
  });
});

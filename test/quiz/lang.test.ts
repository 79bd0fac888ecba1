/**
 * The student's language: how it is chosen (an explicit option, MP_LANG, the notebook's folder, English), and
 * that every word the grader says itself comes from the message catalogue in each language.
 */
import { expect } from 'chai';
import { OptionError } from '../../src/mp/errors';
import { checkResult, compare, describeNumber, gradeSubmission } from '../../src/quiz';
import { MSG } from '../../src/quiz/messages';
import { formatTable } from '../../src/quiz/report';
import { bothLangs, inLang, isText, joinText, LANGS, studentLang, type Text } from '../../src/quiz/text';
import { EXERCISES } from '../../scripts/quiz/submissions';

const CJK = /[\u4e00-\u9fff]/;

/**
 * Every text the catalogue holds, its functions called with an argument that serves as any of theirs: a string
 * where interpolated, a list of texts, and a text in both languages.
 */
function catalogue(): [string, Text][] {
  const sample = Object.assign(['x'], { en: 'x', zh: '甲' });
  const walk = (value: unknown, name: string): [string, Text][] => {
    if (typeof value === 'function')
      return walk((value as (...a: unknown[]) => unknown)(...new Array<unknown>(value.length).fill(sample)), name);
    if (isText(value)) return [[name, value]];
    return Object.entries(value as object).flatMap(([k, v]) => walk(v, `${name}.${k}`));
  };
  return walk(MSG, 'MSG');
}

describe('the student language', () => {
  it('is the explicit choice, else MP_LANG, else the notebook’s folder, else English', () => {
    expect(studentLang('zh', { MP_LANG: 'en' })).to.equal('zh');
    expect(studentLang(undefined, { MP_LANG: 'zh' })).to.equal('zh');
    expect(studentLang(undefined, { MP_LANG: 'en', JPY_SESSION_NAME: '/c/notebooks/zh/01_x.ipynb' })).to.equal('en');
    expect(studentLang(undefined, { JPY_SESSION_NAME: '/c/notebooks/zh/01_x.ipynb' })).to.equal('zh');
    expect(
      studentLang(undefined, { JPY_SESSION_NAME: 'notebooks/01_x.ipynb', MP_NOTEBOOK_DIR: '/c/notebooks/zh' }),
    ).to.equal('en');
    expect(studentLang(undefined, { MP_NOTEBOOK_DIR: '/c/notebooks/zh' })).to.equal('zh');
    expect(studentLang(undefined, { MP_NOTEBOOK_DIR: '/c/notebooks' })).to.equal('en');
    expect(studentLang(undefined, {})).to.equal('en');
  });

  it('rejects an unknown language with a typed error naming the valid ones', () => {
    expect(() => studentLang('fr')).to.throw(OptionError, 'lang must be one of en, zh. Received: lang="fr"');
    expect(() => studentLang(undefined, { MP_LANG: 'de' })).to.throw(OptionError, /^MP_LANG must be one of en, zh/);
  });

  it('picks one language of a text, and a plain string is every language', () => {
    expect(inLang({ en: 'a', zh: '甲' }, 'zh')).to.equal('甲');
    expect(inLang('float16', 'zh')).to.equal('float16');
    expect(joinText({ en: 'a', zh: '甲' }, '!')).to.deep.equal({ en: 'a!', zh: '甲!' });
    expect(bothLangs({ en: 'a', zh: '甲' })).to.equal('a · 甲');
    expect(isText({ en: 'a' })).to.equal(false);
    expect(LANGS).to.deep.equal(['en', 'zh']);
  });
});

describe('the message catalogue', () => {
  it('says everything in every language: Chinese text is Chinese', () => {
    const texts = catalogue();
    expect(texts.length).to.be.above(80);
    for (const [name, text] of texts) {
      if (typeof text === 'string') continue;
      expect(text.en, name).to.not.equal('');
      expect(text.zh, `${name}: ${text.zh}`).to.match(CJK);
    }
  });

  it('explains a mismatch and names special values in Chinese', () => {
    expect(compare([1, 65504], [1, Infinity], { kind: 'exact' }, false, 'zh').message).to.equal(
      '应为 65504（float16 最大值），实际为 Infinity（位置：[1]）',
    );
    expect(compare({ grads: [1, 2] }, { grads: [1, 3] }, { kind: 'exact' }, false, 'en').message).to.equal(
      "expected 2, got 3 at index 1 in field 'grads'",
    );
    expect(compare(1, 2, { kind: 'exact' }, true, 'zh').message).to.equal('结果不对');
    expect(describeNumber(-(2 ** -24), 'zh')).to.equal(`${-(2 ** -24)}（−float16 最小次正规数）`);
  });
});

describe('grading in Chinese', function () {
  this.timeout(120_000);

  it('writes every verdict, status and heading of a report in the language asked for', async () => {
    const report = await gradeSubmission(EXERCISES, { only: ['l1.q1', 'l1.c1'], lang: 'zh' });
    expect(report.lang).to.equal('zh');
    expect(report.questions[0]!.cases.map((c) => c.message)).to.deep.equal(new Array(4).fill('尚未实现'));
    expect(report.questions[1]!.cases[0]!.message).to.equal('没有作答');
    expect(formatTable(report)).to.include('第 1 课：未开始（0/5）');
  });

  it('checks in the language check() is given, whatever MP_LANG says', async () => {
    const saved = process.env.MP_LANG;
    process.env.MP_LANG = 'en';
    try {
      const r = await checkResult('l1.q3', (n: number, b: number) => (n * b) / 8, { lang: 'zh' });
      expect(r.lang).to.equal('zh');
      expect(r.cases[1]!.message).to.match(/^应为 2，实际为 1.5/);
      const bad = await checkResult('l1.q3', () => 1, { lang: 'fr' });
      expect(bad.problem).to.match(/lang must be one of en, zh/);
    } finally {
      if (saved === undefined) delete process.env.MP_LANG;
      else process.env.MP_LANG = saved;
    }
  });
});

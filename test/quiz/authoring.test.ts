/**
 * The question bank is the single source: the stubs, the answer sheets, the guide's tables and the README's
 * count are what `npm run exercises` makes from it, every lesson has one check() cell per question of the
 * bank, and exercises and solutions export the same signatures. `npm run test:quiz` runs this file.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import {
  checkCall,
  EXERCISES,
  generatedFiles,
  notebookProblems,
  replaceSection,
  solutionFiles,
} from '../../scripts/generate-exercises';
import { explainMismatch, loadQuestions, pointsOf, type CodeQuestion, type Question, type Text } from '../../src/quiz';
import { ruleText } from '../../src/quiz/allowed';
import { choiceLetters } from '../../src/quiz/answers';
import { POINTS_PER_MINUTE } from '../../src/quiz/question';
import { isText, LANGS } from '../../src/quiz/text';
import { typeErrors } from './compile';
import { ROOT, tempDir } from '../../scripts/quiz/submissions';

/** Every text of a question a student reads, named: title, prompt, choices, case names, hints, catches. */
function textsOf(q: Question): [string, Text][] {
  const own: [string, Text | undefined][] = [
    [`${q.id} title`, q.title],
    ...(q.kind === 'code' ? [[`${q.id} prompt`, q.prompt] as [string, Text | undefined]] : []),
    ...(q.kind !== 'code' ? (q.choices ?? []).map((c, i): [string, Text] => [`${q.id} choice ${i}`, c]) : []),
  ];
  const cases = q.kind === 'code' ? q.cases : [];
  return [
    ...own,
    ...cases.flatMap((c, i) => [
      [`${q.id} case ${i}`, c.name] as [string, Text],
      [`${q.id} case ${i} catches`, c.catches] as [string, Text | undefined],
      ...(c.misconceptions ?? []).map((m, k): [string, Text] => [`${q.id} case ${i} hint ${k}`, m.hint]),
    ]),
  ].filter((e): e is [string, Text] => e[1] !== undefined);
}

describe('the question bank as data students read', () => {
  it('gives every question its expected minutes, and points in proportion to them', () => {
    for (const q of loadQuestions()) {
      expect(q.minutes, q.id).to.be.a('number').above(0);
      const rate = pointsOf(q) / q.minutes;
      expect(rate, `${q.id}: ${pointsOf(q)} points in ${q.minutes} min`).to.be.within(
        POINTS_PER_MINUTE.min,
        POINTS_PER_MINUTE.max,
      );
    }
  });

  it('says everything a student reads in every language: a plain string, or Chinese text that is Chinese', () => {
    for (const q of loadQuestions())
      for (const [name, text] of textsOf(q)) {
        expect(isText(text), name).to.equal(true);
        if (typeof text === 'string') continue;
        for (const l of LANGS) expect(text[l].trim(), `${name} (${l})`).not.to.equal('');
        expect(text.zh, name).to.match(/[\u4e00-\u9fff]/);
      }
    const prompts = loadQuestions().filter((q) => q.kind === 'code' && q.prompt);
    expect(prompts.length, 'coding questions with a prompt').to.equal(
      loadQuestions().filter((q) => q.kind === 'code').length,
    );
  });

  it('gives each misconception a value no right answer has, and `catches` to hidden cases only', () => {
    for (const q of loadQuestions().filter((x): x is CodeQuestion => x.kind === 'code'))
      for (const c of q.cases) {
        if (c.catches) expect(c.hidden, `${q.id} ${JSON.stringify(c.name)}: catches on a public case`).to.equal(true);
        for (const m of c.misconceptions ?? [])
          if ('value' in m)
            expect(
              explainMismatch(m.value, c.expected, m.compare ?? c.compare ?? { kind: 'exact' }),
              `${q.id} ${JSON.stringify(c.name)}: a misconception the expected value matches`,
            ).not.to.equal(null);
      }
  });

  it("answers each choice question with one of its choices' letters", () => {
    for (const q of loadQuestions())
      if (q.kind === 'choice') expect(choiceLetters(q.choices ?? []), q.id).to.include(q.answer);
  });
});

describe('the question bank as the single source (npm run exercises)', function () {
  this.timeout(120_000);

  it('has written every generated file as the bank and solutions make it', async () => {
    const stale: string[] = [];
    for (const [file, text] of await generatedFiles()) {
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) stale.push(path.relative(ROOT, file));
    }
    expect(stale, 'run npm run exercises').to.deep.equal([]);
  });

  it('lists in the guide what each question may use, and every question with its points', () => {
    const guide = fs.readFileSync(path.join(ROOT, 'docs/instructor-guide.md'), 'utf8');
    const uses = guide.slice(guide.indexOf('<!-- BEGIN GENERATED uses'), guide.indexOf('<!-- END GENERATED uses'));
    for (const q of loadQuestions().filter((x): x is CodeQuestion => x.kind === 'code')) {
      const row = uses.split('\n').find((l) => l.startsWith(`| ${q.id} `));
      if (!q.uses) expect(row, q.id).to.equal(undefined);
      else expect(row, q.id).to.include(ruleText(q.uses).en.replace(/^only /, ''));
      for (const name of [...(q.uses?.library ?? []), ...(q.uses?.packages ?? [])])
        expect(row, `${q.id}: ${name}`).to.include(`\`${name}\``);
    }
    for (const q of loadQuestions())
      expect(guide, q.id).to.match(new RegExp(`\\| ${q.id} +\\| .* \\| +${pointsOf(q)} \\|`));
  });

  it("has one check() cell per question in each lesson's notebook, naming the question's function or answer", () => {
    expect(notebookProblems()).to.deep.equal([]);
    expect(checkCall(loadQuestions().find((q) => q.id === 'l1.q1')!)).to.equal("check('l1.q1', ex.formatLimits)");
    expect(checkCall(loadQuestions().find((q) => q.id === 'l1.c1')!)).to.equal("check('l1.c1')");
  });

  it('names each check() cell that is missing, wrong, repeated or unknown', () => {
    const dir = tempDir('notebooks');
    type Cell = { cell_type: string; source: string[]; metadata: object; outputs: [] };
    const cell = (source: string): Cell => ({
      cell_type: 'code',
      source: [source],
      metadata: {},
      outputs: [],
    });
    for (const name of fs.readdirSync(path.join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'))) {
      fs.copyFileSync(path.join(ROOT, 'notebooks', name), path.join(dir, name));
    }
    const first = fs.readdirSync(dir).find((f) => f.startsWith('01_'))!;
    const nb = JSON.parse(fs.readFileSync(path.join(dir, first), 'utf8')) as { cells: Cell[] };
    nb.cells = nb.cells.filter((c) => !c.source.join('').includes("check('l1.q3'"));
    nb.cells.push(cell("await check('l1.q1', ex.storageBytes);"), cell("await check('l1.q9', ex.nothing);"));
    nb.cells = nb.cells.map((c) =>
      c.source.join('').includes("check('l1.c2'") ? { ...c, source: ["await check('l1.c2', answers['l1.c2'])"] } : c,
    );
    fs.writeFileSync(path.join(dir, first), JSON.stringify(nb));
    expect(notebookProblems(dir)).to.deep.equal([
      `notebooks/${first}: 2 check cells for l1.q1: keep one`,
      `notebooks/${first}: no check cell for l1.q3: add a code cell \`await check('l1.q3', ex.storageBytes);\``,
      `notebooks/${first}: check('l1.c2', answers['l1.c2']) should be check('l1.c2')`,
      `notebooks/${first}: check('l1.q9', ex.nothing) names no question of lesson 1 in the bank`,
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says where a generated section is missing', () => {
    expect(() => replaceSection('# Guide\n', 'uses', 'x', 'guide.md')).to.throw(
      "guide.md has no generated section 'uses': add <!-- BEGIN GENERATED uses --> and " +
        '<!-- END GENERATED uses --> where it goes.',
    );
    const text = 'a\n<!-- BEGIN GENERATED n: note -->\nold\n<!-- END GENERATED n -->\nb\n';
    expect(replaceSection(text, 'n', 'new', 'f')).to.equal(
      'a\n<!-- BEGIN GENERATED n: note -->\n\nnew\n\n<!-- END GENERATED n -->\nb\n',
    );
  });

  it('gives exercises and solutions the same exported signatures (the type checker)', () => {
    expect(typeErrors(ROOT, [path.join(ROOT, 'test/quiz/signatures.ts')])).to.deep.equal([]);
  });

  it('leaves a solved stub free of unused imports, so that npm run typecheck passes once every throw is replaced', () => {
    const overlay = new Map<string, string>();
    for (const file of solutionFiles()) {
      const stub = fs.readFileSync(path.join(EXERCISES, file), 'utf8');
      const solved = stub.replace(/throw new NotImplementedError\('[^']+'\);/g, 'return undefined as never;');
      expect(solved, file).not.to.include('throw new NotImplementedError');
      overlay.set(path.join(EXERCISES, file), solved);
    }
    expect(typeErrors(ROOT, [...overlay.keys()], overlay)).to.deep.equal([]);
  });
});

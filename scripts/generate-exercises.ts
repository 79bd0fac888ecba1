/**
 * npm run exercises: everything that follows from the question bank (src/quiz/questions) and the reference
 * solutions, written in one step. Never edit these by hand: test/quiz/authoring.test.ts fails while any
 * differs from what this script makes.
 *
 * - exercises/lessonN/*.ts: the student stubs, from solutions/ (stubs.ts), each exercise's doc comment saying
 *   what its question may use;
 * - exercises/answers.json (the empty answer sheet) and solutions/answers.json (the reference), from the
 *   bank's concept questions;
 * - the instructor guide's exercise and may-use tables, and README.md's count of exercises, between
 *   their `<!-- BEGIN GENERATED name … -->` and `<!-- END GENERATED name -->` markers.
 *
 * The lessons' check() cells are the lesson writers' to place: this script lists each one missing or wrong
 * (notebookProblems), and the test fails until the notebooks agree with the bank.
 *
 * npm run exercises -- --check: writes nothing; lists what is out of date and exits 1 if anything is.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadQuestions } from '../src/quiz/bank';
import { ruleText, usesNote } from '../src/quiz/allowed';
import { GradingError } from '../src/quiz/errors';
import { pointsOf, type CodeQuestion, type ConceptQuestion, type Question } from '../src/quiz/question';
import { generateStub, type StubDoc } from '../src/quiz/stubs';
import { choiceLetters } from '../src/quiz/answers';
import { inLang, LANGS, type Text } from '../src/quiz/text';

const ROOT = path.join(__dirname, '..');
export const SOLUTIONS = path.join(ROOT, 'solutions');
export const EXERCISES = path.join(ROOT, 'exercises');
export const GUIDE = path.join(ROOT, 'docs', 'instructor-guide.md');
export const README = path.join(ROOT, 'README.md');
const NOTEBOOKS = path.join(ROOT, 'notebooks');

/** Every .ts file under solutions/, as paths relative to it. */
export function solutionFiles(dir = SOLUTIONS, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? solutionFiles(path.join(dir, e.name), path.join(prefix, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(prefix, e.name)]
          : [],
    );
}

const codeQuestions = (): CodeQuestion[] => loadQuestions().filter((q): q is CodeQuestion => q.kind === 'code');
const conceptQuestions = (): ConceptQuestion[] =>
  loadQuestions().filter((q): q is ConceptQuestion => q.kind !== 'code');
const hiddenPoints = (q: Question): number =>
  q.kind === 'code' ? q.cases.filter((c) => c.hidden).reduce((s, c) => s + c.points, 0) : 0;
const lessonOf = (q: Question): number => Number(/^l(\d+)\./.exec(q.id)?.[1]);

/** A text's paragraphs in every language, once each: the stubs are written once for every student. */
const inEveryLang = (text: Text): string[] => [...new Set(LANGS.map((l) => inLang(text, l)))];

/**
 * What each exercise's doc comment says: the question's prompt where it has one (its title and task, in
 * every language), and what it may use.
 */
export function stubDocs(): Map<string, StubDoc> {
  const docs = new Map<string, StubDoc>();
  for (const q of codeQuestions()) {
    const note = usesNote(q);
    const add = note ? inEveryLang(note) : [];
    const title = inEveryLang(q.title).join('\n');
    const replace = q.prompt ? [`${q.id}: ${title}`, ...inEveryLang(q.prompt)] : undefined;
    docs.set(q.id, { ...(replace ? { replace } : {}), add });
  }
  return docs;
}

/** The stub for one solution file. */
export function stubFor(relative: string): string {
  const depth = relative.split(path.sep).length; // exercises/lessonN/index.ts → ../../src/quiz/errors
  const up = '../'.repeat(depth);
  const source = fs.readFileSync(path.join(SOLUTIONS, relative), 'utf8');
  return generateStub(source, `${up}src/quiz/errors`, stubDocs());
}

const json = (value: object): string => JSON.stringify(value, null, 2) + '\n';

/**
 * One question of an answer sheet: the question and its lettered choices in every language (the sheet is
 * written once for every student), and the answer.
 */
function sheetEntry(q: ConceptQuestion, answer: unknown): object {
  const choices = q.choices && Object.fromEntries(q.choices.map((c, i) => [choiceLetters(q.choices!)[i], c]));
  return { question: q.title, ...(choices ? { choices } : {}), answer };
}

/** The concept-quiz answer sheet students fill in: every concept question, unanswered. */
export function answersTemplate(): string {
  return json(Object.fromEntries(conceptQuestions().map((q) => [q.id, sheetEntry(q, null)])));
}

/** The reference answer sheet: every concept question's answer, from the bank. */
export function answerSheet(): string {
  return json(Object.fromEntries(conceptQuestions().map((q) => [q.id, sheetEntry(q, q.answer)])));
}

const code = (s: string): string => `\`${s}\``;
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;

/** The guide's table of every question: where it is, its expected minutes, its points and how many are hidden. */
export function exerciseTable(): string {
  return [
    row(['question', 'exercise', 'minutes', 'points', 'hidden']),
    row(['---', '---', '---:', '---:', '---:']),
    ...loadQuestions().map((q) =>
      row([
        q.id,
        q.kind === 'code' ? `${code(q.export)} in ${code(`exercises/${q.file}`)}` : `concept: ${inLang(q.title, 'en')}`,
        q.minutes,
        pointsOf(q),
        hiddenPoints(q),
      ]),
    ),
  ].join('\n');
}

/** The guide's table of each lesson's exercises: how many, their expected minutes and points in all. */
export function lessonTable(): string {
  const lessons = [...new Set(loadQuestions().map(lessonOf))];
  return [
    row(['lesson', 'coding', 'concept', 'minutes', 'points']),
    row(['---:', '---:', '---:', '---:', '---:']),
    ...lessons.map((n) => {
      const mine = loadQuestions().filter((q) => lessonOf(q) === n);
      const sum = (f: (q: Question) => number): number => mine.reduce((s, q) => s + f(q), 0);
      return row([
        n,
        sum((q) => Number(q.kind === 'code')),
        sum((q) => Number(q.kind !== 'code')),
        sum((q) => q.minutes),
        sum(pointsOf),
      ]);
    }),
  ].join('\n');
}

/** The guide's table of what each question's function may use, as its question's `uses` says it. */
export function usesTable(): string {
  const rows = codeQuestions()
    .filter((q) => q.uses)
    .map((q) => {
      const rule = ruleText(q.uses!).en;
      return row([q.id, code(q.export), rule.startsWith('only ') ? rule.slice(5) : `plain TypeScript: ${rule}`]);
    });
  return [row(['question', 'exercise', 'may use']), row(['---', '---', '---']), ...rows].join('\n');
}

/** README's sentence on the exercises, with the bank's counts. */
export function countsSentence(): string {
  const lessons = new Set(loadQuestions().map(lessonOf)).size;
  const points = loadQuestions().reduce((s, q) => s + pointsOf(q), 0);
  const hidden = loadQuestions().reduce((s, q) => s + hiddenPoints(q), 0);
  return (
    `${codeQuestions().length} coding exercises and ${conceptQuestions().length} concept questions over ` +
    `${lessons} lessons, ${points} points (${hidden} of them in hidden cases), graded by ${code('src/quiz')}:`
  );
}

/** `text` with the section between a name's GENERATED markers replaced by `body`. */
export function replaceSection(text: string, name: string, body: string, file: string): string {
  const re = new RegExp(`(<!-- BEGIN GENERATED ${name}\\b[^>]*-->)[\\s\\S]*?(<!-- END GENERATED ${name} -->)`);
  if (!re.test(text)) {
    throw new GradingError(
      `${file} has no generated section '${name}': add <!-- BEGIN GENERATED ${name} --> and ` +
        `<!-- END GENERATED ${name} --> where it goes.`,
    );
  }
  return text.replace(re, (_, begin: string, end: string) => `${begin}\n\n${body}\n\n${end}`);
}

/** Formats Markdown as the repository's prettier settings do, so that `npm run lint` accepts what is written. */
async function prettierMarkdown(text: string, file: string): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

/** Every file this script writes, with the text it writes: stubs, answer sheets, the guide, the README. */
export async function generatedFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const file of solutionFiles()) files.set(path.join(EXERCISES, file), stubFor(file));
  files.set(path.join(EXERCISES, 'answers.json'), answersTemplate());
  files.set(path.join(SOLUTIONS, 'answers.json'), answerSheet());
  let guide = fs.readFileSync(GUIDE, 'utf8');
  guide = replaceSection(guide, 'lessons', lessonTable(), GUIDE);
  guide = replaceSection(guide, 'exercises', exerciseTable(), GUIDE);
  guide = replaceSection(guide, 'uses', usesTable(), GUIDE);
  files.set(GUIDE, await prettierMarkdown(guide, GUIDE));
  const readme = replaceSection(fs.readFileSync(README, 'utf8'), 'counts', countsSentence(), README);
  files.set(README, await prettierMarkdown(readme, README));
  return files;
}

/**
 * The check() call a lesson's notebook needs for a question: `check('l1.q1', ex.formatLimits)`, or for a concept
 * question `check('l1.c1')`, which reads exercises/answers.json as saved each time it runs.
 */
export function checkCall(q: Question): string {
  return q.kind === 'code' ? `check('${q.id}', ex.${q.export})` : `check('${q.id}')`;
}

/** Where each lesson's notebook disagrees with the bank: a check() cell missing, wrong, repeated or unknown. */
export function notebookProblems(notebooks = NOTEBOOKS): string[] {
  const problems: string[] = [];
  const lessons = [...new Set(loadQuestions().map(lessonOf))];
  for (const lesson of lessons) {
    const prefix = `${String(lesson).padStart(2, '0')}_`;
    const name = fs.readdirSync(notebooks).find((f) => f.startsWith(prefix) && f.endsWith('.ipynb'));
    if (!name) {
      problems.push(`notebooks/: no notebook ${prefix}*.ipynb for lesson ${lesson}`);
      continue;
    }
    const where = `notebooks/${name}`;
    const cells = (
      JSON.parse(fs.readFileSync(path.join(notebooks, name), 'utf8')) as {
        cells: { cell_type: string; source: string | string[] }[];
      }
    ).cells
      .filter((c) => c.cell_type === 'code')
      .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
    const source = cells.join('\n');
    const calls = [...source.matchAll(/check\(\s*(['"])([^'"]+)\1\s*(?:,\s*([^)]*?))?\s*\)/g)].map((m) => ({
      id: m[2]!,
      call: m[3] === undefined ? `check('${m[2]}')` : `check('${m[2]}', ${m[3].replace(/"/g, "'")})`,
    }));
    const questions = loadQuestions().filter((q) => lessonOf(q) === lesson);
    for (const q of questions) {
      const found = calls.filter((c) => c.id === q.id);
      if (found.length === 0)
        problems.push(`${where}: no check cell for ${q.id}: add a code cell \`await ${checkCall(q)};\``);
      else if (found.length > 1) problems.push(`${where}: ${found.length} check cells for ${q.id}: keep one`);
      else if (found[0]!.call !== checkCall(q)) problems.push(`${where}: ${found[0]!.call} should be ${checkCall(q)}`);
    }
    for (const c of calls.filter((c) => !questions.some((q) => q.id === c.id))) {
      problems.push(`${where}: ${c.call} names no question of lesson ${lesson} in the bank`);
    }
    for (const file of new Set(questions.flatMap((q) => (q.kind === 'code' ? [q.file.replace(/\.ts$/, '')] : [])))) {
      if (!source.includes(`import * as ex from './exercises/${file}'`)) {
        problems.push(`${where}: the exercises' import is missing: \`import * as ex from './exercises/${file}';\``);
      }
    }
  }
  return problems;
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [file, text] of await generatedFiles()) {
    const rel = path.relative(ROOT, file);
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) continue;
    if (check) stale.push(rel);
    else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      console.log(`wrote ${rel}`);
    }
  }
  const problems = notebookProblems();
  for (const file of stale) console.log(`out of date: ${file} (run npm run exercises)`);
  if (problems.length) console.log(`The lessons' check() cells disagree with the bank:\n  ${problems.join('\n  ')}`);
  return stale.length || (check && problems.length) ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
      process.exitCode = 2;
    },
  );
}

/**
 * The files that make a student release a repository of its own, written from the bank it ships: a README for
 * students (commands that exist in the release, links that resolve in it, the points each lesson's hidden
 * cases add after submission), a .gitignore that keeps installed packages out of a student's commits, and a
 * GitHub Classroom workflow that runs the public checks, a step per lesson.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Question } from './question';

export interface Lesson {
  readonly number: number;
  readonly notebook: string;
  readonly title: string;
}

/**
 * The lessons in a course's notebooks/ folder, titled by each notebook's first heading.
 *
 *     lessonsIn('.')[0] // { number: 1, notebook: '01_what_is_mixed_precision.ipynb', title: 'What is …?' }
 */
export function lessonsIn(root: string): Lesson[] {
  const dir = path.join(root, 'notebooks');
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_.*\.ipynb$/.test(f))
    .sort()
    .map((notebook) => {
      const cells = (
        JSON.parse(fs.readFileSync(path.join(dir, notebook), 'utf8')) as { cells: { source: string | string[] }[] }
      ).cells;
      const first = [cells[0]?.source ?? ''].flat().join('').split('\n')[0]!;
      const title = first
        .replace(/^#+\s*/, '')
        .replace(/^Lesson \d+\s*[—-]\s*/, '')
        .split(' · ')[0]!;
      return { number: Number(notebook.split('_')[0]), notebook, title };
    });
}

/**
 * Points per lesson in a release's bank: those its public cases give, which a student can check; those hidden
 * cases add; and those of its concept answers, which a release cannot check (their hashes are keyed with the
 * instructor's course key) and the instructor grades from the submission.
 *
 *     lessonPoints(bank, 1) // { shown: 7, hidden: 8, concept: 2 }
 */
export function lessonPoints(
  bank: readonly Question[],
  lesson: number,
): { shown: number; hidden: number; concept: number } {
  const mine = bank.filter((q) => q.id.startsWith(`l${lesson}.`));
  const sum = (points: (q: Question) => number): number => mine.reduce((s, q) => s + points(q), 0);
  return {
    shown: sum((q) => (q.kind === 'code' ? q.cases.reduce((t, c) => t + c.points, 0) : 0)),
    hidden: sum((q) => (q.kind === 'code' ? (q.hiddenPoints ?? 0) : 0)),
    concept: sum((q) => (q.kind === 'code' ? 0 : q.points)),
  };
}

/**
 * Kept out of a student's commits: installed packages (node_modules may be a link, so no trailing slash), the
 * kernel's library bundle that npm install builds (dist/), the lessons' run cache (.cache/).
 */
export const RELEASE_GITIGNORE = [
  'node_modules',
  '.venv',
  'dist/',
  '.cache/',
  'out/',
  'submission.zip',
  '*.log',
  '',
].join('\n');

/** The student README: start, work, check, submit, update. */
export function studentReadme(bank: readonly Question[], lessons: readonly Lesson[]): string {
  const rows = lessons.map((l) => {
    const { shown, hidden, concept } = lessonPoints(bank, l.number);
    const count = bank.filter((q) => q.id.startsWith(`l${l.number}.`)).length;
    return `| ${l.number} | [${l.title}](notebooks/${encodeURI(l.notebook)}) | ${count} | ${shown} | ${hidden} | ${concept} |`;
  });
  const hidden = lessons.reduce((s, l) => s + lessonPoints(bank, l.number).hidden, 0);
  const concept = lessons.reduce((s, l) => s + lessonPoints(bank, l.number).concept, 0);
  return `# Mixed-precision training, measured

A TypeScript course on mixed-precision training, in JupyterLab: ${lessons.length} lessons that measure each claim on a
precision library bit-exact with ml_dtypes, each ending with graded exercises.

## Start

\`\`\`sh
npm ci
npm start
\`\`\`

\`npm start\` opens JupyterLab on lesson 1 with the course kernel ("Mixed precision (TypeScript)"). Where no
JupyterLab is installed it first makes a local \`.venv\` with the pinned Jupyter stack, which needs Python 3.9 or
later. Node.js 20.19 or later is needed. On a course hub all of this is done for you.

## Lessons and exercises

| lesson | notebook | questions | points you can check | points in hidden cases | points in concept answers |
| --- | --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Write each exercise in \`exercises/lessonN/index.ts\` (replace the \`throw new NotImplementedError(…)\`), and put
the concept answers in \`exercises/answers.json\`. Each lesson's last cells check them:
\`await check('l1.q1', ex.formatLimits)\` for a function, \`await check('l1.c1')\` for an answer as saved.

What you can check here are the public cases. Hidden cases, worth ${hidden} more points, are graded after you
submit, by your instructor; their feedback says which passed, never the expected value or what your code
returned. So are your concept answers (${concept} points): here, their check records an answer without
checking it.

## Commands

| command | what it does |
| --- | --- |
| \`npm start\` | opens the lessons in JupyterLab |
| \`npm run grade\` | checks all your exercises against the public cases, by lesson; \`-- --only l3\` for one lesson |
| \`npm run submit\` | packs \`exercises/\` into \`submission.zip\` and says what is not done yet |
| \`npm run typecheck\` | type-checks the course and your exercises |
| \`npm run html\` | runs the lessons without Jupyter and writes them to \`out/html\` |
| \`npm run kernel\` | registers the course kernel with Jupyter |
| \`npm run train -- --policy all\` | trains the lessons' MNIST model under every precision policy |
| \`npm run resources\` | measures each lesson's memory and CPU time |

## Submit

Run \`npm run submit\` (or, in a notebook cell, \`import { submit } from './src/quiz/index'; submit();\`). It
writes \`submission.zip\`, the one file to upload to the assignment; in JupyterLab, right-click it in the file
browser and choose **Download**. It lists exercises not started and questions not answered, and you may submit
anyway. Submit again to replace an earlier submission, as your course's assignment allows.

## Updates

Your instructor may publish new versions of the lessons. If your copy came from a link that pulls the course
(nbgitpuller), opening that link again merges the new version into your copy and keeps your changes: where you
and the update changed the same lines, yours win. Otherwise ask your instructor before replacing files.

## License

MIT: see [LICENSE](LICENSE).
`;
}

/**
 * A GitHub Classroom workflow: a step per lesson that passes when every public case of that lesson does, worth
 * that lesson's checkable points (education/autograding-command-grader), then the reporter that adds them up.
 */
export function classroomWorkflow(bank: readonly Question[], lessons: readonly Lesson[]): string {
  const id = (n: number): string => `lesson-${n}`;
  const steps = lessons.map((l) =>
    [
      `      - name: Lesson ${l.number}`,
      `        id: ${id(l.number)}`,
      '        uses: education/autograding-command-grader@v1',
      '        with:',
      `          test-name: Lesson ${l.number}`,
      `          command: npm run --silent grade -- --only l${l.number} --pass-all`,
      '          timeout: 10',
      `          max-score: ${lessonPoints(bank, l.number).shown}`,
    ].join('\n'),
  );
  const results = lessons.map(
    (l) => `          ${id(l.number).toUpperCase()}_RESULTS: "\${{steps.${id(l.number)}.outputs.result}}"`,
  );
  return `# GitHub Classroom: the public checks of each lesson, run on every push (points: what npm run grade shows).
# Hidden cases are not in this repository; your instructor grades them from your submission.
name: Autograding
on:
  - push
  - workflow_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  autograding:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci --no-audit --no-fund
${steps.join('\n')}
      - name: Autograding Reporter
        uses: education/autograding-grading-reporter@v1
        env:
${results.join('\n')}
        with:
          runners: ${lessons.map((l) => id(l.number)).join(',')}
`;
}

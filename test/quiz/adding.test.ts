/**
 * The instructor guide's steps to add an exercise, followed as written in a copy of the repository: its code
 * blocks go where it says, its commands run, and its notebook cell is added. The copy's bank then grades the
 * new exercise's reference to full points and its stub to 0, the type checker finds the signatures equal, and
 * `npm run exercises -- --check` finds nothing out of date.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from '../../src/quiz';
import { loadQuestions } from '../../src/quiz/bank';
import { typeErrors } from './compile';
import { ROOT, tempDir } from '../../scripts/quiz/submissions';

/** The guide's section on adding an exercise: its code blocks, its commands and the notebook cell it names. */
function guideSteps(): { blocks: string[]; commands: string[]; cell: string } {
  const guide = fs.readFileSync(path.join(ROOT, 'docs/instructor-guide.md'), 'utf8');
  const start = guide.indexOf('## Adding or changing an exercise');
  const section = guide.slice(start, guide.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^ {3}/gm, ''));
  const commands = [...section.matchAll(/\*\*`(npm run [^`]+)`\*\*/g)].map((m) => m[1]!);
  const cell = /`(await check\('l1\.q4', [^`]+)`/.exec(section)?.[1] ?? 'no check cell in the guide';
  return { blocks, commands, cell };
}

const COPIED = [
  'package.json',
  'tsconfig.json',
  '.prettierrc.json',
  'README.md',
  'docs',
  'scripts',
  'src',
  'solutions',
];

/** The parts of the repository the steps touch, with node_modules linked. */
function copyRepository(dest: string): void {
  for (const item of [...COPIED, 'exercises', 'notebooks', 'test/quiz/signatures.ts']) {
    fs.cpSync(path.join(ROOT, item), path.join(dest, item), { recursive: true });
  }
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(dest, 'node_modules'));
}

function run(cwd: string, command: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("the guide's steps to add an exercise, followed in a copy of the repository", function () {
  this.timeout(300_000);
  const copy = tempDir('adding');
  const steps = guideSteps();
  let generated: { status: number | null; output: string };

  before(() => {
    copyRepository(copy);
    // 1. the reference, in solutions/lesson1/index.ts
    fs.appendFileSync(path.join(copy, 'solutions/lesson1/index.ts'), `\n${steps.blocks[0]}`);
    // 2. the question, appended to the lesson's array
    const bank = path.join(copy, 'src/quiz/questions/lesson1.ts');
    const source = fs.readFileSync(bank, 'utf8');
    const end = source.lastIndexOf('];');
    fs.writeFileSync(bank, `${source.slice(0, end)}${steps.blocks[1]}${source.slice(end)}`);
    // 3. npm run exercises
    generated = run(copy, 'npm', steps.commands[0]!.split(' ').slice(1));
  });

  after(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('has two code blocks and the commands npm run exercises, then npm run test:quiz', () => {
    expect(steps.blocks).to.have.length(2);
    expect(steps.commands).to.deep.equal(['npm run exercises', 'npm run test:quiz']);
  });

  it('writes the stub, the tables and the count, and names the notebook cell to add', () => {
    expect(generated.status, generated.output).to.equal(0);
    expect(generated.output).to.include(`add a code cell \`${steps.cell}\``);
    const stub = fs.readFileSync(path.join(copy, 'exercises/lesson1/index.ts'), 'utf8');
    expect(stub).to.include(
      "export function valuesPerBytes(bytes: number, bits: number): number {\n  throw new NotImplementedError('l1.q4');\n}",
    );
    expect(fs.readFileSync(path.join(copy, 'docs/instructor-guide.md'), 'utf8')).to.match(
      /\| l1\.q4 +\| `valuesPerBytes` in `exercises\/lesson1\/index\.ts` +\| +3 \| +2 \| +1 \|/,
    );
    const coding = loadQuestions().filter((q) => q.kind === 'code').length + 1; // the bank's, and the one added
    expect(fs.readFileSync(path.join(copy, 'README.md'), 'utf8')).to.include(`${coding} coding exercises`);
  });

  it('leaves nothing out of date once the notebook has the cell', () => {
    const name = fs.readdirSync(path.join(copy, 'notebooks')).find((f) => f.startsWith('01_'))!;
    const file = path.join(copy, 'notebooks', name);
    const notebook = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: object[] };
    notebook.cells.push({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [steps.cell] });
    fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + '\n');
    const check = run(copy, 'npm', ['run', 'exercises', '--', '--check']);
    expect(check.status, check.output).to.equal(0);
  });

  it('grades the reference to full points and the stub to 0, with the same signatures', () => {
    const grade = (dir: string): Report => {
      const out = path.join(copy, `${dir}.json`);
      const r = run(copy, 'npx', ['tsx', 'src/quiz/cli.ts', '--submission', dir, '--only', 'l1.q4', '--json', out]);
      expect(r.status, r.output).to.equal(0);
      return JSON.parse(fs.readFileSync(out, 'utf8')) as Report;
    };
    expect(grade('solutions')).to.include({ earned: 2, points: 2 });
    expect(grade('exercises').questions[0]!.cases.map((c) => c.message)).to.deep.equal([
      'not implemented yet',
      'not implemented yet',
    ]);
    expect(typeErrors(copy, [path.join(copy, 'test/quiz/signatures.ts')])).to.deep.equal([]);
  });
});

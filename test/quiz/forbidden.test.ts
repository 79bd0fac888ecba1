import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import * as mp from '../../src/mp/index';
import {
  check,
  forbiddenNames,
  gradeSubmission,
  libraryModuleExports,
  loadQuestions,
  readSubmission,
  SubmissionAnalysis,
  type CodeQuestion,
  type Report,
} from '../../src/quiz';
import { roundToFloat16 as cheatingRound } from '../fixtures/quiz/cheat/lesson3/index';
import { ROOT, SOLUTIONS, replaceBody, tempDir, writeSubmission } from '../../scripts/quiz/submissions';
import { timed } from '../helpers';

/**
 * Cheating routes for l3.q1 (roundToFloat16, which forbids the library's rounding): each loses the question's
 * 7 points with one message; castLoss and kahanSumFloat16 in the same file call roundValue, which their
 * questions allow, and keep their points.
 */
const ROUTES: { name: string; body: string; preamble?: string; helper?: string; uses: string }[] = [
  {
    name: 'a direct import',
    preamble: "import { roundArray } from '../../src/mp';",
    body: "return roundArray(new Float32Array([x]), 'float16')[0]!;",
    uses: '`roundArray` from the library',
  },
  {
    name: 'an alias',
    preamble: "import { roundValue as nearest } from '../../src/mp/index';",
    body: "return nearest(x, 'float16');",
    uses: '`roundValue` from the library',
  },
  {
    name: 'a namespace',
    preamble: "import * as lib from '../../src/mp';",
    body: "return lib.roundValue(x, 'float16');",
    uses: '`roundValue` from the library',
  },
  {
    name: 'a re-export through a helper file',
    helper: "export { roundValue as nearest } from '../../src/mp';\n",
    preamble: "import { nearest } from './helper';",
    body: "return nearest(x, 'float16');",
    uses: '`roundValue` from the library',
  },
  {
    name: 'a helper function of its own that calls the library',
    helper:
      "import { encode, decode } from '../../src/mp';\nexport const viaBits = (x: number) => decode(encode(x, 'float16'), 'float16');\n",
    preamble: "import { viaBits } from './helper';",
    body: 'return viaBits(x);',
    uses: '`decode` from the library',
  },
  {
    name: 'require',
    body: "const { roundValue } = require('../../src/mp');\n  return roundValue(x, 'float16');",
    uses: '`roundValue` from the library',
  },
  {
    name: 'a dynamic import',
    body: "return (await import('../../src/mp')).roundValue(x, 'float16');",
    uses: '`roundValue` from the library',
  },
  {
    name: 'a computed property name (the tripwire)',
    body: "const lib = require('../../src/mp');\n  return lib['round' + 'Value'](x, 'float16');",
    uses: '`roundValue` from the library',
  },
  {
    name: 'eval (the tripwire)',
    body: "return eval('require(\"../../src/mp/formats/round\")').roundValue(x, 'float16');",
    uses: '`roundValue` from the library',
  },
  {
    name: 'a library module the index does not export',
    preamble: "import { roundHalfEven } from '../../src/mp/formats/round';",
    body: 'return roundHalfEven(x) * 0 + x;',
    uses: '`roundHalfEven` from the library',
  },
  {
    name: 'Float16Array',
    body: 'return new Float16Array([x])[0]!;',
    uses: '`Float16Array`, which this exercise asks you not to use',
  },
  {
    name: 'Math.f16round',
    body: 'return (Math as unknown as { f16round(v: number): number }).f16round(x);',
    uses: '`Math.f16round`, which this exercise asks you not to use',
  },
];

const only = ['l3.q1', 'l3.q2', 'l3.q3'];

function cheat(route: (typeof ROUTES)[number]): string {
  const isAsync = route.body.includes('await');
  let lesson3 = replaceBody('lesson3/index.ts', 'roundToFloat16', route.body, route.preamble ?? '');
  if (isAsync) lesson3 = lesson3.replace('export function roundToFloat16', 'export async function roundToFloat16');
  const files: Record<string, string> = { 'lesson3/index.ts': lesson3 };
  if (route.helper) files['lesson3/helper.ts'] = route.helper;
  return writeSubmission(tempDir('cheat'), files);
}

describe('forbidden calls', function () {
  this.timeout(120_000);
  const reports = new Map<string, Report>();
  before(async () => {
    for (const r of ROUTES) reports.set(r.name, await timed(r.name, () => gradeSubmission(cheat(r), { only })));
  });

  for (const r of ROUTES) {
    it(`cost the question its points through ${r.name}, and only that question`, () => {
      const [q1, q2, q3] = reports.get(r.name)!.questions;
      expect(q1!.problem).to.equal(
        r.uses.includes('library')
          ? `l3.q1 uses ${r.uses}, which this exercise asks you to write yourself: 0/7`
          : `l3.q1 uses ${r.uses}: 0/7`,
      );
      expect([q1!.earned, q2!.earned, q3!.earned]).to.deep.equal([0, 2, 2]);
    });
  }

  it('allow code the student writes, whatever its name', async () => {
    const own = 'const roundValue = (v: number) => Math.fround(v);\n  return roundValue(x) === x ? x : x;';
    const report = await gradeSubmission(cheat({ name: 'own', body: own, uses: '' }), { only: ['l3.q1'] });
    expect(report.questions[0]!.problem).to.equal(undefined);
  });

  it('are checked in a notebook too', async () => {
    const r = await check('l3.q1', cheatingRound);
    expect(r.problem).to.equal(
      'l3.q1 uses `roundArray` from the library, which this exercise asks you to write yourself: 0/7',
    );
  });

  it('name library exports that exist, and cover modules added later by rule', () => {
    const exported = new Set(Object.keys(mp));
    const internal = (q: CodeQuestion): string[] =>
      (q.forbidden?.libraryModules ?? []).flatMap((m) => libraryModuleExports(m));
    for (const q of loadQuestions().filter((x): x is CodeQuestion => x.kind === 'code')) {
      for (const name of forbiddenNames(q).library)
        expect(exported.has(name) || internal(q).includes(name), `${q.id}: ${name}`).to.equal(true);
    }
    const byId = (id: string): CodeQuestion => loadQuestions().find((q) => q.id === id) as CodeQuestion;
    expect(forbiddenNames(byId('l3.q3')).library).to.include.members(libraryModuleExports('numerics/summation'));
    expect(forbiddenNames(byId('l6.q3')).library).to.include.members(['mxQuantize', 'mxSharedExponent']);
    expect(() => libraryModuleExports('quant/nope')).to.throw(/Unknown library module 'quant\/nope'/);
  });

  // the instructor guide's table of them is generated from the bank: authoring.test.ts keeps it up to date
  it('are listed in the exercise texts', () => {
    for (const q of loadQuestions().filter((x): x is CodeQuestion => x.kind === 'code' && !!x.forbidden)) {
      const exercise = fs.readFileSync(path.join(ROOT, 'exercises', q.file), 'utf8');
      const { library, platform } = forbiddenNames(q);
      for (const name of [...library, ...platform]) expect(exercise, `${q.id}: ${name}`).to.include(`\`${name}\``);
    }
  });

  it('are checked statically with each file of a submission read (and parsed) once, however many questions reach it', () => {
    const code = loadQuestions().filter((q): q is CodeQuestion => q.kind === 'code');
    const reads: string[] = [];
    /** The submission's files, counting each read of a file's text: the analysis parses what it reads. */
    class CountingFiles extends Map<string, string> {
      override get(file: string): string | undefined {
        reads.push(file);
        return super.get(file);
      }
    }
    const files = new CountingFiles([...readSubmission(SOLUTIONS)].filter(([f]) => f.endsWith('.ts')));
    const analysis = new SubmissionAnalysis(files);
    for (const q of code) {
      const used = analysis.reached(q.file, q.export).filter((r) => forbiddenNames(q).library.includes(r.name));
      expect(used, q.id).to.be.empty;
    }
    const questionFiles = new Set(code.map((q) => q.file));
    expect(code.length).to.be.above(questionFiles.size); // several questions per file
    expect(reads).to.include.members([...questionFiles]);
    expect(reads.length, reads.join(', ')).to.equal(new Set(reads).size);
  });
});

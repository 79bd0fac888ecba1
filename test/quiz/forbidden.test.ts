import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import {
  checkResult,
  gradeSubmission,
  libraryGraph,
  libraryStage,
  loadQuestions,
  pointsOf,
  profileOf,
  usesNote,
  type CodeQuestion,
  type Report,
} from '../../src/quiz';
import { nodeModulesDir } from '../../src/quiz/allowed';
import { roundToFloat16 as cheatingRound } from '../fixtures/quiz/cheat/lesson3/index';
import { ROOT, replaceBody, tempDir, writeSubmission } from '../../scripts/quiz/submissions';
import { timed } from '../helpers';

/**
 * Routes to the library's rounding for l3.q1 (roundToFloat16, which may use only the library's
 * formats/registry). Each ran to full marks against the old deny-list; now the code they reach is absent from
 * l3.q1's sandbox, so each loses all the question's points, while castLoss and kahanSumFloat16 in the same file,
 * which may round with the library, keep theirs.
 */
const ROUTES: { name: string; body: string; preamble?: string; helper?: string; uses?: string }[] = [
  {
    name: 'a direct import',
    preamble: "import { roundArray } from '../../src/mp';",
    body: "return roundArray(new Float32Array([x]), 'float16')[0]!;",
    uses: 'roundArray',
  },
  {
    name: 'an alias',
    preamble: "import { roundValue as nearest } from '../../src/mp/index';",
    body: "return nearest(x, 'float16');",
    uses: 'roundValue',
  },
  {
    name: 'a namespace',
    preamble: "import * as lib from '../../src/mp';",
    body: "return lib.roundValue(x, 'float16');",
    uses: 'roundValue',
  },
  {
    name: 'a re-export through a helper file',
    helper: "export { roundValue as nearest } from '../../src/mp';\n",
    preamble: "import { nearest } from './helper';",
    body: "return nearest(x, 'float16');",
    uses: 'roundValue',
  },
  {
    name: 'a helper function of its own that calls the library',
    helper:
      "import { encode, decode } from '../../src/mp';\nexport const viaBits = (x: number) => decode(encode(x, 'float16'), 'float16');\n",
    preamble: "import { viaBits } from './helper';",
    body: 'return viaBits(x);',
    uses: 'encode',
  },
  {
    name: 'require',
    body: "const { roundValue } = require('../../src/mp');\n  return roundValue(x, 'float16');",
    uses: 'roundValue',
  },
  { name: 'a dynamic import', body: "return (await import('../../src/mp')).roundValue(x, 'float16');" },
  {
    name: 'a computed property name',
    body: "const lib = require('../../src/mp');\n  return lib['round' + 'Value'](x, 'float16');",
    uses: 'roundValue',
  },
  {
    name: 'eval',
    body: "return eval('require(\"../../src/mp/formats/round\")').roundValue(x, 'float16');",
    uses: 'roundValue',
  },
  {
    name: 'a library module the index does not export',
    preamble: "import { roundHalfEven } from '../../src/mp/formats/round';",
    body: 'return roundHalfEven(x) * 0 + x;',
    uses: 'roundHalfEven',
  },
  {
    name: 'the module cache',
    preamble: "import '../../src/mp/formats/round';",
    body: "const m = Object.values(require.cache).find((k) => k?.exports?.roundValue)!;\n  return m.exports.roundValue(x, 'float16');",
    uses: 'roundValue',
  },
  {
    name: "the module's children",
    preamble: "import '../../src/mp/formats/round';",
    body: "const m = module.children.find((k) => /round/.test(k.id))!;\n  return m.exports.roundValue(x, 'float16');",
    uses: 'roundValue',
  },
  {
    name: 'Module._load with a parent faked inside the library',
    body: "const Module = require('module');\n  const lib = Module._load('./formats/round', { id: 'x', filename: require.resolve('../../src/mp/index'), paths: [] }, false);\n  return lib.roundValue(x, 'float16');",
    uses: 'roundValue',
  },
  {
    name: 'an ESM import of the compiled module by its path',
    body: "const url = require('url').pathToFileURL(require.resolve('../../src/mp/formats/round')).href;\n  return (await import(url)).default.roundValue(x, 'float16');",
    uses: 'roundValue',
  },
  {
    name: 'the library’s tfjs kernel, called by name',
    preamble: "import * as tf from '@tensorflow/tfjs';",
    body: "return (tf.engine().runKernel('MpQuantize', { x: tf.scalar(x) }, { format: 'float16' }) as tf.Tensor).dataSync()[0]!;",
    uses: '@tensorflow/tfjs.engine',
  },
  {
    name: 'a toJSON that rounds after the call returned',
    preamble: "import { roundValue } from '../../src/mp';",
    body: "return { toJSON: () => roundValue(x, 'float16') } as unknown as number;",
  },
  {
    name: 'a module-level cache that castLoss fills in its own run',
    preamble: 'const cache = new Map<number, number>();',
    body: 'return cache.get(x) ?? -1;',
  },
  { name: 'Float16Array', body: 'return new Float16Array([x])[0]!;' },
  {
    name: 'Math.f16round',
    body: 'return (Math as unknown as { f16round(v: number): number }).f16round(x);',
  },
];

const only = ['l3.q1', 'l3.q2', 'l3.q3'];
/** Each of those questions' points, from the bank. */
const pointsOfOnly = (): number[] => only.map((id) => pointsOf(loadQuestions().find((x) => x.id === id)!));

function cheat(route: (typeof ROUTES)[number]): string {
  let lesson3 = replaceBody('lesson3/index.ts', 'roundToFloat16', route.body, route.preamble ?? '');
  if (route.body.includes('await'))
    lesson3 = lesson3.replace('export function roundToFloat16', 'export async function roundToFloat16');
  if (route.name.startsWith('a module-level cache'))
    lesson3 = lesson3.replace(
      'const r = roundValue(v, ',
      'const r = cache.set(v, roundValue(v, "float16")) && roundValue(v, ',
    );
  const files: Record<string, string> = { 'lesson3/index.ts': lesson3 };
  if (route.helper) files['lesson3/helper.ts'] = route.helper;
  return writeSubmission(tempDir('cheat'), files);
}

describe('what an exercise may use', function () {
  this.timeout(300_000);
  const reports = new Map<string, Report>();
  before(async () => {
    for (const r of ROUTES) reports.set(r.name, await timed(r.name, () => gradeSubmission(cheat(r), { only })));
  });

  for (const r of ROUTES) {
    it(`costs the question its points through ${r.name}, and only that question`, () => {
      const [q1, q2, q3] = reports.get(r.name)!.questions;
      const points = pointsOfOnly();
      expect([q1!.earned, q2!.earned, q3!.earned], JSON.stringify(q1)).to.deep.equal([0, points[1], points[2]]);
      if (r.uses)
        expect(q1!.problem).to.equal(
          `l3.q1 uses \`${r.uses}\`, which this exercise does not allow (it may use only the library's \`formats/registry\`): 0/${points[0]}`,
        );
    });
  }

  it('lets a file that imports the library and tfjs load where a question may use neither', async () => {
    const lesson3 = `import * as tf from '@tensorflow/tfjs';\nimport { castStats } from '../../src/mp';\nvoid tf; void castStats;\n${fs.readFileSync(path.join(ROOT, 'solutions/lesson3/index.ts'), 'utf8')}`;
    const report = await gradeSubmission(writeSubmission(tempDir('imports'), { 'lesson3/index.ts': lesson3 }), {
      only,
    });
    expect(report.questions.map((q) => q.earned)).to.deep.equal(pointsOfOnly());
  });

  it('allows code the student writes, whatever its name', async () => {
    const own = 'const roundValue = (v: number) => Math.fround(v);\n  return roundValue(x) === x ? x : x;';
    const report = await gradeSubmission(cheat({ name: 'own', body: own }), { only: ['l3.q1'] });
    expect(report.questions[0]!.problem).to.equal(undefined);
  });

  it('reports work done at load once, for the question it costs', async () => {
    const lesson3 = replaceBody('lesson3/index.ts', 'roundToFloat16', 'return TABLE.get(x) ?? x;').replace(
      'export function roundToFloat16',
      "const TABLE = new Map([1 / 3, 2049, 65520].map((v) => [Math.fround(v), roundValue(v, 'float16')]));\nexport function roundToFloat16",
    );
    const report = await gradeSubmission(writeSubmission(tempDir('at-load'), { 'lesson3/index.ts': lesson3 }), {
      only,
    });
    expect(report.questions.map((q) => q.earned)).to.deep.equal([0, ...pointsOfOnly().slice(1)]);
    expect(report.loadFailures.map((f) => f.message)).to.deep.equal([
      'lesson3/index.ts did not load: at load time it uses `roundValue`, which this exercise does not allow (for l3.q1)',
    ]);
  });

  it('covers exports a deny-list forgot: decode for decodeFloat, castStatsAsync for castLoss, getFloatFormat for formatLimits', async () => {
    const files = {
      'lesson1/index.ts': replaceBody(
        'lesson1/index.ts',
        'decodeFloat',
        'return decode(bits, `float${1 + spec.expBits + spec.manBits}`);',
        "import { decode } from '../../src/mp';",
      ),
      'lesson3/index.ts': replaceBody(
        'lesson3/index.ts',
        'castLoss',
        "const s = await castStatsAsync(tf.tensor(values), 'float16'); return { overflow: s.overflow, underflow: s.underflow };",
        "import { castStatsAsync } from '../../src/mp';\nimport * as tf from '@tensorflow/tfjs';",
      ).replace('export function castLoss', 'export async function castLoss'),
    };
    files['lesson1/index.ts'] = files['lesson1/index.ts']
      .replace(
        "import { decode } from '../../src/mp';",
        "import { decode } from '../../src/mp';\nimport { getFloatFormat } from '../../src/mp/formats/registry';",
      )
      .replace(
        /export function formatLimits\(expBits: number, manBits: number\): Limits \{\n[\s\S]*?\n\}\n/,
        'export function formatLimits(expBits: number, manBits: number): Limits {\n  const f = getFloatFormat(`float${1 + expBits + manBits}`);\n  return { maxFinite: f.maxFinite, minNormal: f.minNormal, minSubnormal: f.minSubnormal, epsilon: f.epsilon };\n}\n',
      );
    const report = await gradeSubmission(writeSubmission(tempDir('forgot'), files), {
      only: ['l1.q1', 'l1.q2', 'l3.q2'],
    });
    expect(report.questions.map((q) => [q.earned, q.problem?.replace(/, which.*/, '')])).to.deep.equal([
      [0, 'l1.q1 uses `getFloatFormat`'],
      [0, 'l1.q2 uses `decode`'],
      [0, 'l3.q2 uses `castStatsAsync`'],
    ]);
  });

  it("covers the training step's SIMD kernels for unscaleGradients, though they lie under formats/", async () => {
    const unscale = [
      'const n = Math.ceil(scaled.length / 4) * 4;',
      'const memory = new WebAssembly.Memory({ initial: 1 });',
      'const k = ampKernels(memory)!;',
      'const heap = new Float32Array(memory.buffer);',
      'heap.set(scaled, 0);',
      'const finite = k.unscale(0, n * 4, n, scale) === 1;',
      'return { grads: [...heap.slice(n, n + scaled.length)], finite };',
    ].join('\n  ');
    const lesson4 = replaceBody(
      'lesson4/index.ts',
      'unscaleGradients',
      unscale,
      "import { ampKernels } from '../../src/mp/formats/simd/amp_simd';",
    );
    const report = await gradeSubmission(writeSubmission(tempDir('amp'), { 'lesson4/index.ts': lesson4 }), {
      only: ['l4.q2', 'l4.q3'],
    });
    expect(report.questions.map((q) => [q.id, q.earned, q.problem?.replace(/, which.*/, '')])).to.deep.equal([
      ['l4.q2', 3, undefined],
      ['l4.q3', 0, 'l4.q3 uses `ampKernels`'],
    ]);
  });

  it("covers tfjs's own float16 decoder for decodeFloat", async () => {
    const decode =
      "const w = tf.io.decodeWeights(new Uint16Array([bits]).buffer, [{ name: 'w', shape: [1], dtype: 'float32', quantization: { dtype: 'float16' } }]);\n  return w.w!.dataSync()[0]!;";
    const lesson1 = replaceBody('lesson1/index.ts', 'decodeFloat', decode, "import * as tf from '@tensorflow/tfjs';");
    const report = await gradeSubmission(writeSubmission(tempDir('tfjs'), { 'lesson1/index.ts': lesson1 }), {
      only: ['l1.q2'],
    });
    expect(report.questions[0]!.problem).to.match(/^l1.q2 uses `@tensorflow\/tfjs.io.decodeWeights`/);
  });

  it('is checked in a notebook too', async () => {
    const r = await checkResult('l3.q1', cheatingRound);
    expect(r.problem).to.match(/^l3.q1 uses `roundArray`, which this exercise does not allow/);
  });

  it('stages for each profile only the modules it allows, and a stub for every other', () => {
    const q = (id: string): CodeQuestion => loadQuestions().find((x) => x.id === id) as CodeQuestion;
    expect(profileOf(q('l3.q1')).modules).to.deep.equal(['errors', 'formats/registry', 'formats/spec']);
    expect(profileOf(q('l3.q1')).packages).to.deep.equal([]);
    expect(profileOf(q('l1.q1')).modules).to.deep.equal([]);
    expect(profileOf(q('l3.q2')).modules).to.include.members(['formats/round', 'ops/quantize']);
    expect(profileOf(q('l3.q2')).modules).not.to.include.members(['numerics/stats', 'numerics/summation']);
    expect(profileOf(q('l3.q2')).packages).to.include('@tensorflow/tfjs');
    // packages are names in node_modules, never a path above it (a type-only relative import is not one)
    for (const x of loadQuestions().filter((y): y is CodeQuestion => y.kind === 'code'))
      for (const p of profileOf(x).packages)
        expect(fs.realpathSync(path.join(nodeModulesDir(), p)), `${x.id}: ${p}`).to.satisfy((real: string) =>
          real.startsWith(nodeModulesDir() + path.sep),
        );
    expect(profileOf({ ...q('l4.q2'), uses: undefined }).modules).to.have.length(libraryGraph().size);
    const staged = libraryStage().profile(profileOf(q('l3.q1')));
    const round = fs.readFileSync(path.join(staged.src, 'mp/formats/round.js'), 'utf8');
    expect(round).to.match(/^"use strict";\n\/\/ Generated by the grader: the library's formats\/round is not part/);
    expect(round).not.to.include('Math.');
    const tfjs = fs.readFileSync(path.join(staged.packages.get('@tensorflow/tfjs')!, 'index.js'), 'utf8');
    expect(tfjs).to.include('Generated by the grader: the package @tensorflow/tfjs is not part');
  });

  it('refuses a rule that names a module the library does not have', () => {
    const q = { ...(loadQuestions().find((x) => x.id === 'l3.q1') as CodeQuestion), uses: { library: ['quant/nope'] } };
    expect(() => profileOf(q)).to.throw(
      /Unknown library module 'quant\/nope'. Modules: amp\/accumulate, amp\/autocast, /,
    );
  });

  // the instructor guide's table of them is generated from the bank: authoring.test.ts keeps it up to date
  it('are stated in the exercise texts, in every language', () => {
    for (const q of loadQuestions().filter((x): x is CodeQuestion => x.kind === 'code' && !!x.uses)) {
      // lines joined as they were wrapped: Chinese breaks between characters, with no space
      const exercise = fs
        .readFileSync(path.join(ROOT, 'exercises', q.file), 'utf8')
        .replace(/([^\x00-\x7f])\n \* (?=[^\x00-\x7f])/g, '$1')
        .replace(/\n \* /g, ' ');
      for (const text of Object.values(usesNote(q)!)) expect(exercise, q.id).to.include(text);
    }
  });
});

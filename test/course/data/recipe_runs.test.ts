/** The reader of notebooks/data/fp8_recipe_runs.json, on the committed file and on broken copies of it. */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { FP8_RECIPES, OptionError, readRecipeRuns, spreadOf, type RecipeRunsFile } from '../../../src/course/index';

const FILE = path.join(__dirname, '..', '..', '..', 'notebooks', 'data', 'fp8_recipe_runs.json');
const committed = (): RecipeRunsFile => JSON.parse(fs.readFileSync(FILE, 'utf8'));

describe('readRecipeRuns', () => {
  it('reads the committed file: float32 and every recipe with every seed, with the lesson run', () => {
    const runs = readRecipeRuns(committed());
    expect(runs.data.options).to.deep.equal({ epochs: 2, trainLimit: 10_000 });
    expect(runs.data.seeds.length).to.be.at.least(3);
    const summary = runs.summary();
    expect(summary.map((s) => s.recipe)).to.deep.equal(['float32', ...FP8_RECIPES]);
    const base = summary[0]!;
    expect([base.difference.mean, base.difference.sd, base.belowFloat32]).to.deep.equal([0, 0, 0]);
    for (const s of summary) expect(s.accuracy.low).to.be.below(s.accuracy.mean).and.below(s.accuracy.high);
    expect(runs.caption()).to.include('npx tsx scripts/lessons/fp8_recipe_runs.ts');
  });

  it('pairs each recipe with float32 of the same seed', () => {
    const runs = readRecipeRuns(committed());
    const [s0, s1] = runs.data.seeds as [number, number];
    const diff = (seed: number) =>
      100 * (runs.run('nvfp4', seed).testAccuracy - runs.run('float32', seed).testAccuracy);
    const nv = runs.summary().find((s) => s.recipe === 'nvfp4')!;
    expect(nv.difference.min).to.be.at.most(Math.min(diff(s0), diff(s1)) + 1e-9);
    expect(() => runs.run('float32', 99)).to.throw(OptionError, /seed 99/);
  });

  it('names what is missing or wrong', () => {
    const file = committed();
    expect(() => readRecipeRuns({ ...file, schema: 2 })).to.throw(OptionError, /schema/);
    expect(() => readRecipeRuns({ ...file, runs: file.runs.slice(1) })).to.throw(/one run of float32 with seed/);
    const bad = { ...file, runs: [...file.runs, { ...file.runs[0]!, recipe: 'fp4' }] };
    expect(() => readRecipeRuns(bad)).to.throw(/unknown recipe 'fp4'/);
  });
});

describe('spreadOf', () => {
  it('gives the mean, the sample sd and a 95 % t interval', () => {
    const s = spreadOf([1, 2, 3]);
    expect([s.mean, s.sd, s.min, s.max]).to.deep.equal([2, 1, 1, 3]);
    expect(s.high - s.mean).to.be.closeTo(4.303 / Math.sqrt(3), 1e-12);
    expect(() => spreadOf([1])).to.throw(OptionError);
  });
});

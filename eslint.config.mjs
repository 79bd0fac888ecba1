// ESLint (npm run lint): what the compiler does not check.
// - Promises: one that nobody awaits loses its error, so a test passes while its assertion fails later and a
//   notebook cell reports success before its work is done. These rules need the types (typescript-eslint).
// - tfjs internals: only src/mp/tfjs_internals.ts reaches past tfjs's API (it checks the tfjs release first).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Syntax that reaches into tfjs internals, each with the reason ESLint gives. */
const TFJS_INTERNALS = [
  ['CallExpression[callee.object.name="tf"][callee.property.name="env"]', 'tfjs flags'],
  [
    'MemberExpression[object.type="CallExpression"][object.callee.property.name="engine"][property.name!="runKernel"]',
    "the engine's fields",
  ],
  ['VariableDeclarator > CallExpression[callee.property.name="engine"]', 'the engine itself'],
  ['CallExpression[callee.property.name="getKernel"][arguments.0.type="Literal"]', "tfjs's own kernels"],
  ['Literal[value=/wasm-out|@tensorflow\\/[\\w-]+\\/dist\\//]', "a tfjs package's files"],
  ['MemberExpression[property.name=/^(iterations_|firstUse|registry|registeredVariables)$/]', 'private fields'],
].map(([selector, what]) => ({
  selector,
  message: `This reaches into ${what}: go through src/mp/tfjs_internals.ts, which checks the tfjs release.`,
}));

export default defineConfig(
  {
    ignores: ['node_modules/', '.venv/', 'out/', '.gpu/', 'dist/', 'test/fixtures/', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/mp/tfjs_internals.ts'],
    rules: { 'no-restricted-syntax': ['error', ...TFJS_INTERNALS] },
  },
);

/**
 * The API reports (npm run api): what `src/mp/index.ts` and `src/course/index.ts` export, with every type their
 * signatures use, written by API Extractor to `etc/mp.api.md` and `etc/course.api.md`. Review the diff of a
 * report as you review code: it is the public surface a user of the library sees.
 *
 *     npm run api             # regenerates the reports from the source
 *     npm run api -- --check  # fails, and prints the diff, where the source's surface differs from the reports
 *
 * The compiler first emits declarations to a temporary folder (`etc/tsconfig.api.json`); API Extractor reads
 * them. A type that a public signature uses but the index does not export (ae-forgotten-export) is an error.
 */
import {
  CompilerState,
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  type IConfigFile,
} from '@microsoft/api-extractor';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const ETC = path.join(ROOT, 'etc');

/** The two public entry points: the library, and the course that re-exports it. */
export const API_ENTRIES = [
  { report: 'mp', entry: 'src/mp/index' },
  { report: 'course', entry: 'src/course/index' },
] as const;

/** Emits the declarations of both entry points (and what they import) into `outDir`. */
function emitDeclarations(outDir: string): void {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ETC, 'tsconfig.api.json'), '--outDir', outDir], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

function configFor(report: string, entry: string, dts: string, temp: string): IConfigFile {
  const error = { logLevel: ExtractorLogLevel.Error, addToApiReportFile: false };
  const none = { logLevel: ExtractorLogLevel.None };
  return {
    projectFolder: ROOT,
    mainEntryPointFilePath: path.join(dts, `${entry}.d.ts`),
    compiler: { tsconfigFilePath: path.join(ETC, 'tsconfig.api.json') },
    apiReport: { enabled: true, reportFileName: report, reportFolder: ETC, reportTempFolder: temp },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    newlineKind: 'lf',
    messages: {
      extractorMessageReporting: {
        default: { logLevel: ExtractorLogLevel.Warning },
        'ae-forgotten-export': error,
        // the project marks nothing @public/@beta: every export of an index is public
        'ae-missing-release-tag': none,
        'ae-undocumented': none,
      },
      // doc comments are written for readers and the editor, not checked as TSDoc
      tsdocMessageReporting: { default: none },
    },
  };
}

/**
 * Runs API Extractor on each entry point. With `check`, a report that differs from the source fails (the
 * committed file is left as it is); without, the reports are rewritten. Returns the problems found.
 */
export function runApiExtractor(check: boolean): string[] {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-api-'));
  const problems: string[] = [];
  try {
    const dts = path.join(temp, 'dts');
    emitDeclarations(dts);
    const configs = API_ENTRIES.map(({ report, entry }) =>
      ExtractorConfig.prepare({
        configObject: configFor(report, entry, dts, temp),
        configObjectFullPath: undefined,
        packageJsonFullPath: path.join(ROOT, 'package.json'),
      }),
    );
    // one compiler program for both entry points (the course's includes the library's)
    const compilerState = CompilerState.create(configs[0]!, {
      additionalEntryPoints: configs.map((c) => c.mainEntryPointFilePath),
    });
    for (const [i, { report, entry }] of API_ENTRIES.entries()) {
      const result = Extractor.invoke(configs[i]!, { localBuild: !check, printApiReportDiff: check, compilerState });
      const file = `etc/${report}.api.md`;
      if (result.errorCount > 0) problems.push(`${file}: ${result.errorCount} error(s) above`);
      if (check && result.apiReportChanged) {
        problems.push(`${file} differs from ${entry}.ts's exports: run \`npm run api\` and review the diff`);
      }
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return problems;
}

if (require.main === module) {
  const problems = runApiExtractor(process.argv.includes('--check'));
  for (const p of problems) console.error(p);
  process.exitCode = problems.length > 0 ? 1 : 0;
}

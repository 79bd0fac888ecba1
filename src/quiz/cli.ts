/**
 * npm run grade                                   grade exercises/ and print a table by lesson, with type
 *                                                 errors as warnings (file and line)
 * npm run grade -- --only l3                      one lesson, or questions: --only l1.q1,l3.q2
 * npm run grade -- --only l3 --pass-all           exits 1 unless every case graded passed (for CI)
 * npm run grade -- --lang zh                      feedback in Chinese (default: MP_LANG, else English)
 * npm run grade -- --submission DIR --json OUT.json [--junit OUT.xml]
 * npm run grade -- --class DIR                    every folder in DIR is one student's submission:
 *                                                 DIR/gradebook.csv and DIR/feedback/<student>.md, graded
 *                                                 on one child per core, with progress and throughput
 * npm run grade -- --collect DOWNLOAD --class DIR --lms canvas|moodle [--roster CLASS.csv]
 *                                                 first unpacks an LMS download (its zip, or the folder it
 *                                                 was unpacked into) into DIR/<student>/; writes
 *                                                 DIR/refused.csv, the LMS's import file and, with the LMS's
 *                                                 class list, DIR/no-submission.csv. Exits 1 when a
 *                                                 submission was refused.
 * npm run grade -- --class DIR --only l3.q2       regrades one question (after fixing it) into the
 *                                                 previous results: only its column and totals change
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { hiddenPointsNotRun, questionIds } from './bank';
import { GRADER_FAULT, type ClassProgress } from './class';
import { classOutputs, gradeClassFolder, writeRefusals, type Changes } from './class_folder';
import { collectClass, REFUSED_CSV, type Collection } from './collect';
import { gradeSubmission, type GradeOptions, type Report } from './grade';
import { parseLms } from './lms';
import { POOL } from './pool';
import { MSG } from './messages';
import { formatTable, recorded, toJUnit } from './report';
import { readSubmission } from './stage';
import { inLang, studentLang } from './text';
import { printable } from './printable';
import { typeWarnings } from './typecheck';

const USAGE = `Usage: npm run grade -- [--submission DIR | [--collect DOWNLOAD] --class DIR] [--json FILE] [--junit FILE]
                       [--lms canvas|moodle|none] [--roster CLASS.csv] [--assignment NAME] [--gradebook FILE]
                       [--feedback DIR] [--only l3 | --only l1.q1,l3.q2] [--pass-all] [--timeout MS]
                       [--load-timeout MS] [--lang en|zh]`;

/** Prints a line: file names, names and messages from submissions never reach the terminal as controls. */
const say = (text: string): void => console.log(printable(text));

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
  say(`wrote ${file}`);
}

/** For a large class, a line every tenth of the way; at the end, the throughput. */
function progress({ done, total, seconds }: ClassProgress): void {
  const step = Math.max(1, Math.ceil(total / 10));
  if (done % step === 0 && done < total) say(`graded ${done}/${total} in ${seconds.toFixed(1)} s`);
  if (done === total) {
    const each = seconds / total;
    say(
      `graded ${total} submissions in ${seconds.toFixed(1)} s on ${POOL.size} workers: ` +
        `${(1 / each).toFixed(2)} per second, ${each.toFixed(2)} s each`,
    );
  }
}

function printChanges(changes: Changes): void {
  const list = [...changes].map(([column, n]) => `${column} (${n})`).join(', ');
  say(`regrade changed: ${list || 'nothing'}`);
}

function printCollection({ students, refused, missing }: Collection, seconds: number, dir: string): void {
  for (const r of refused) say(`${r.ignored ? 'ignored' : 'refused'} ${r.file}: ${r.reason}`);
  const late = students.filter((s) => s.late).length;
  const refusedCount = refused.filter((r) => !r.ignored).length;
  say(
    `collected ${students.length} submissions into ${dir} in ${seconds.toFixed(1)} s` +
      `${late ? ` (${late} late)` : ''}, refused ${refusedCount} (${path.join(dir, REFUSED_CSV)})`,
  );
  if (missing.length) {
    say(`no submission from ${missing.length}: ${missing.map((m) => `${m.name} (${m.id})`).join(', ')}`);
  }
}

/** Grades one submission and prints the student's view: by lesson, with type errors as warnings. */
async function gradeOne(dir: string, options: GradeOptions): Promise<Report> {
  const report = await gradeSubmission(dir, options);
  say(`\n${formatTable(report, { hiddenPoints: hiddenPointsNotRun() })}`);
  const warnings = typeWarnings(readSubmission(dir));
  if (warnings.length) {
    say(`\n${inLang(MSG.typeWarnings, report.lang ?? 'en')}`);
    for (const w of warnings) say(`  ${w}`);
  }
  return report;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      submission: { type: 'string' },
      class: { type: 'string' },
      collect: { type: 'string' },
      lms: { type: 'string', default: 'none' },
      roster: { type: 'string' },
      assignment: { type: 'string' },
      json: { type: 'string' },
      junit: { type: 'string' },
      gradebook: { type: 'string' },
      feedback: { type: 'string' },
      only: { type: 'string' },
      timeout: { type: 'string' },
      'load-timeout': { type: 'string' },
      'pass-all': { type: 'boolean', default: false },
      lang: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const options: GradeOptions = {
    ...(values.only ? { only: questionIds(values.only) } : {}), // an unknown id fails here, naming the valid ones
    ...(values.timeout ? { timeoutMs: Number(values.timeout) } : {}),
    ...(values['load-timeout'] ? { loadTimeoutMs: Number(values['load-timeout']) } : {}),
    lang: studentLang(values.lang), // an unknown language fails here, naming the valid ones
  };
  let reports: Report[];
  let refused = 0;
  if (values.class) {
    const outputs = classOutputs(values.class, values);
    if (values.collect) {
      const start = Date.now();
      const lms = parseLms(values.lms);
      const collection = await collectClass(values.collect, values.class, lms, { roster: values.roster });
      printCollection(collection, (Date.now() - start) / 1000, values.class);
      writeRefusals(outputs, collection.refused);
      refused = collection.refused.filter((r) => !r.ignored).length;
    }
    const graded = await gradeClassFolder(values.class, options, outputs, progress);
    reports = graded.reports;
    for (const file of graded.written) say(`wrote ${file}`);
    const selfCheck = reports.find((r) => r.selfCheck)?.selfCheck;
    if (selfCheck) say(`SELF-CHECK ONLY, NOT GRADES: ${selfCheck}; grade on Linux with bubblewrap`);
    const faults = reports.filter((r) => r.loadFailures.some((f) => f.message.startsWith(GRADER_FAULT)));
    if (faults.length) say(`${GRADER_FAULT}: ${faults.map((r) => r.student).join(', ')}; grade them again`);
    if (graded.changes) printChanges(graded.changes);
    for (const w of graded.warnings) say(`warning: ${w}`);
  } else {
    if (values.collect) throw new Error(`--collect needs --class DIR to unpack into\n${USAGE}`);
    const dir = values.submission ?? path.join(__dirname, '../../exercises');
    if (!fs.existsSync(dir)) throw new Error(`No submission folder ${dir}\n${USAGE}`);
    reports = [await gradeOne(dir, options)];
  }
  if (values.json) write(values.json, JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
  if (values.junit) write(values.junit, reports.map(toJUnit).join('\n'));
  if (refused) say(`${refused} submission file(s) refused: see refused.csv, fix or ask again, then collect again`);
  // --pass-all: for CI (a GitHub Classroom step), fail unless every case graded passed; a concept answer a
  // release can only record (it has no course key) is the instructor's to grade, not a failure here
  const failed = (r: Report): boolean => r.questions.some((q) => q.earned < q.points && !recorded(q));
  const short = values['pass-all'] && reports.some(failed);
  return refused || short ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code; // not process.exit: output written to a pipe may still be pending
  },
  (e: unknown) => {
    console.error(printable(e instanceof Error ? `${e.name}: ${e.message}` : String(e)));
    process.exit(2);
  },
);

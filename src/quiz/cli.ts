/**
 * npm run grade                                   grade exercises/ and print a table
 * npm run grade -- --submission DIR --json OUT.json [--junit OUT.xml]
 * npm run grade -- --class DIR                    every folder in DIR is one student's submission:
 *                                                 DIR/gradebook.csv and DIR/feedback/<student>.md, graded
 *                                                 on one child per core, with progress and throughput
 * npm run grade -- --collect ZIPS --class DIR [--lms canvas|moodle]
 *                                                 first unpacks each zip in ZIPS (an LMS export) into
 *                                                 DIR/<student>/; with --lms, also DIR/canvas.csv or
 *                                                 DIR/moodle.csv for the LMS's grade import
 * npm run grade -- --class DIR --only l3.q2       regrades one question (after fixing it) into the
 *                                                 previous results: only its column and totals change
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { findQuestion } from './bank';
import { GRADER_FAULT, type ClassProgress } from './class';
import { classOutputs, gradeClassFolder, writeRefusals, type Changes } from './class_folder';
import { collectClass } from './collect';
import { gradeSubmission, type GradeOptions, type Report } from './grade';
import { parseLms } from './lms';
import { POOL } from './pool';
import { formatTable, toJUnit } from './report';

const USAGE = `Usage: npm run grade -- [--submission DIR | [--collect ZIPS] --class DIR] [--json FILE] [--junit FILE]
                       [--lms canvas|moodle|none] [--assignment NAME] [--gradebook FILE] [--feedback DIR]
                       [--only l1.q1,l3.q2] [--timeout MS] [--load-timeout MS]`;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
  console.log(`wrote ${file}`);
}

/** For a large class, a line every tenth of the way; at the end, the throughput. */
function progress({ done, total, seconds }: ClassProgress): void {
  const step = Math.max(1, Math.ceil(total / 10));
  if (done % step === 0 && done < total) console.log(`graded ${done}/${total} in ${seconds.toFixed(1)} s`);
  if (done === total) {
    const each = seconds / total;
    console.log(
      `graded ${total} submissions in ${seconds.toFixed(1)} s on ${POOL.size} workers: ` +
        `${(1 / each).toFixed(2)} per second, ${each.toFixed(2)} s each`,
    );
  }
}

function printChanges(changes: Changes): void {
  const list = [...changes].map(([column, n]) => `${column} (${n})`).join(', ');
  console.log(`regrade changed: ${list || 'nothing'}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      submission: { type: 'string' },
      class: { type: 'string' },
      collect: { type: 'string' },
      lms: { type: 'string', default: 'none' },
      assignment: { type: 'string' },
      json: { type: 'string' },
      junit: { type: 'string' },
      gradebook: { type: 'string' },
      feedback: { type: 'string' },
      only: { type: 'string' },
      timeout: { type: 'string' },
      'load-timeout': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  values.only?.split(',').forEach(findQuestion); // an unknown id fails here, naming the valid ones
  const options: GradeOptions = {
    ...(values.only ? { only: values.only.split(',') } : {}),
    ...(values.timeout ? { timeoutMs: Number(values.timeout) } : {}),
    ...(values['load-timeout'] ? { loadTimeoutMs: Number(values['load-timeout']) } : {}),
  };
  let reports: Report[];
  if (values.class) {
    const outputs = classOutputs(values.class, values);
    if (values.collect) {
      const start = Date.now();
      const { students, refused } = await collectClass(values.collect, values.class, parseLms(values.lms));
      for (const r of refused) console.log(`refused ${r.file}: ${r.reason}`);
      const seconds = ((Date.now() - start) / 1000).toFixed(1);
      console.log(
        `collected ${students.length} submissions into ${values.class} in ${seconds} s, refused ${refused.length}`,
      );
      writeRefusals(outputs, refused);
    }
    const graded = await gradeClassFolder(values.class, options, outputs, progress);
    reports = graded.reports;
    for (const file of graded.written) console.log(`wrote ${file}`);
    const selfCheck = reports.find((r) => r.selfCheck)?.selfCheck;
    if (selfCheck) console.log(`SELF-CHECK ONLY, NOT GRADES: ${selfCheck}; grade on Linux with bubblewrap`);
    const faults = reports.filter((r) => r.loadFailures.some((f) => f.message.startsWith(GRADER_FAULT)));
    if (faults.length) console.log(`${GRADER_FAULT}: ${faults.map((r) => r.student).join(', ')}; grade them again`);
    if (graded.changes) printChanges(graded.changes);
  } else {
    if (values.collect) throw new Error(`--collect needs --class DIR to unpack into\n${USAGE}`);
    const dir = values.submission ?? path.join(__dirname, '../../exercises');
    if (!fs.existsSync(dir)) throw new Error(`No submission folder ${dir}\n${USAGE}`);
    reports = [await gradeSubmission(dir, options)];
    console.log(`\n${formatTable(reports[0]!)}`);
  }
  if (values.json) write(values.json, JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
  if (values.junit) write(values.junit, reports.map(toJUnit).join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(2);
});

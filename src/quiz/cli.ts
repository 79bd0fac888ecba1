/**
 * npm run grade                                   grade exercises/ and print a table
 * npm run grade -- --submission DIR --json OUT.json [--junit OUT.xml]
 * npm run grade -- --class DIR                    every folder in DIR is one student's submission:
 *                                                 DIR/gradebook.csv and DIR/feedback/<student>.md, graded
 *                                                 on one child per core, with progress and throughput
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { gradeClass, type ClassProgress } from './class';
import { gradeSubmission, type GradeOptions, type Report } from './grade';
import { POOL } from './pool';
import { feedbackMarkdown, formatTable, gradebookCsv, toJUnit } from './report';

const USAGE = `Usage: npm run grade -- [--submission DIR | --class DIR] [--json FILE] [--junit FILE]
                       [--gradebook FILE] [--feedback DIR] [--only l1.q1,l3.q2] [--timeout MS]
                       [--load-timeout MS]`;

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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      submission: { type: 'string' },
      class: { type: 'string' },
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
  const options: GradeOptions = {
    ...(values.only ? { only: values.only.split(',') } : {}),
    ...(values.timeout ? { timeoutMs: Number(values.timeout) } : {}),
    ...(values['load-timeout'] ? { loadTimeoutMs: Number(values['load-timeout']) } : {}),
  };
  let reports: Report[];
  if (values.class) {
    const submissions = fs
      .readdirSync(values.class, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'feedback')
      .map((e) => ({ dir: path.join(values.class!, e.name), student: e.name }));
    reports = await gradeClass(submissions, options, progress);
    write(values.gradebook ?? path.join(values.class, 'gradebook.csv'), gradebookCsv(reports));
    const feedbackDir = values.feedback ?? path.join(values.class, 'feedback');
    fs.mkdirSync(feedbackDir, { recursive: true });
    for (const r of reports) fs.writeFileSync(path.join(feedbackDir, `${r.student}.md`), feedbackMarkdown(r));
    console.log(`wrote feedback for ${reports.length} students in ${feedbackDir}`);
  } else {
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

/**
 * npm run grade                                   grade exercises/ and print a table
 * npm run grade -- --submission DIR --json OUT.json [--junit OUT.xml]
 * npm run grade -- --class DIR                    every folder in DIR is one student's submission:
 *                                                 DIR/gradebook.csv and DIR/feedback/<student>.md
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { gradeSubmission, type GradeOptions, type Report } from './grade';
import { feedbackMarkdown, formatTable, gradebookCsv, toJUnit } from './report';

const USAGE = `Usage: npm run grade -- [--submission DIR | --class DIR] [--json FILE] [--junit FILE]
                       [--gradebook FILE] [--feedback DIR] [--only l1.q1,l3.q2] [--timeout MS]`;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
  console.log(`wrote ${file}`);
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
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  const options: GradeOptions = {
    ...(values.only ? { only: values.only.split(',') } : {}),
    ...(values.timeout ? { timeoutMs: Number(values.timeout) } : {}),
  };
  let reports: Report[];
  if (values.class) {
    const dirs = fs
      .readdirSync(values.class, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'feedback');
    reports = [];
    for (const d of dirs)
      reports.push(await gradeSubmission(path.join(values.class, d.name), { ...options, student: d.name }));
    write(values.gradebook ?? path.join(values.class, 'gradebook.csv'), gradebookCsv(reports));
    const feedbackDir = values.feedback ?? path.join(values.class, 'feedback');
    for (const r of reports) write(path.join(feedbackDir, `${r.student}.md`), feedbackMarkdown(r));
  } else {
    const dir = values.submission ?? path.join(__dirname, '../../exercises');
    if (!fs.existsSync(dir)) throw new Error(`No submission folder ${dir}\n${USAGE}`);
    reports = [await gradeSubmission(dir, options)];
  }
  for (const r of reports) console.log(`\n${formatTable(r)}`);
  if (values.json) write(values.json, JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
  if (values.junit) write(values.junit, reports.map(toJUnit).join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(2);
});

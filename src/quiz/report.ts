/** Reports of graded submissions: a text table, JSON, JUnit XML, a class gradebook (CSV) and per-student feedback. */
import type { Report } from './grade';

const pct = (earned: number, points: number): string => `${points ? Math.round((100 * earned) / points) : 0}%`;

/** One line per question, then the failing cases with their messages. */
export function formatTable(report: Report): string {
  const rows = report.questions.map((q) => [
    q.id,
    q.title,
    `${q.earned}/${q.points}`,
    q.earned === q.points ? 'ok' : q.earned === 0 ? 'FAIL' : 'partial',
  ]);
  const header = ['id', 'question', 'points', ''];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, j) => (j === 2 ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [
    `${report.student}: ${report.earned}/${report.points} (${pct(report.earned, report.points)})`,
    ...selfCheckLine(report),
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...problemLines(report, (s) => `  ${s}`, ['', 'Failed:']),
  ].join('\n');
}

/** A self-check says so first: its code ran without the OS sandbox that grading relies on. */
function selfCheckLine(report: Report): string[] {
  return report.selfCheck ? [`Self-check only, not a grade: ${report.selfCheck}.`] : [];
}

/**
 * What went wrong, each thing once: files that did not load, questions that scored 0 for one reason (a
 * forbidden call, a denied access), then the failed cases of the other questions.
 */
function problemLines(report: Report, item: (s: string) => string, heading: string[]): string[] {
  const lines = [
    ...report.loadFailures.map((f) => item(f.message)),
    ...report.questions.flatMap((q) => (q.problem ? [item(q.problem)] : [])),
    ...report.questions
      .filter((q) => !q.problem && !q.cases.every((c) => c.message.startsWith('not run: ')))
      .flatMap((q) =>
        q.cases
          .filter((c) => !c.passed)
          .map((c) => item(`${q.id} ${c.hidden ? '(hidden) ' : ''}${c.name}: ${c.message}`)),
      ),
  ];
  return lines.length ? [...heading, ...lines] : [];
}

const xml = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** JUnit XML: a testsuite per question, a testcase per case (CI systems and LMSs read it). */
export function toJUnit(report: Report): string {
  const suites = report.questions.map((q) => {
    const cases = q.cases.map((c) => {
      const name = xml(`${c.name}${c.hidden ? ' (hidden)' : ''}`);
      return c.passed
        ? `    <testcase classname="${q.id}" name="${name}"/>`
        : `    <testcase classname="${q.id}" name="${name}"><failure message="${xml(c.message)}"/></testcase>`;
    });
    const failures = q.cases.filter((c) => !c.passed).length;
    return [
      `  <testsuite name="${xml(`${q.id} ${q.title}`)}" tests="${q.cases.length}" failures="${failures}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(report.student)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

const csvCell = (v: string | number): string =>
  /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);

/** One row per student, one column per question, then the total. */
export function gradebookCsv(reports: readonly Report[]): string {
  const ids = reports[0]?.questions.map((q) => q.id) ?? [];
  const header = ['student', ...ids, 'total', 'max', 'percent'];
  const rows = reports.map((r) => [
    r.student,
    ...r.questions.map((q) => q.earned),
    r.earned,
    r.points,
    pct(r.earned, r.points),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** Markdown feedback for one student: the score, then what to fix. Hidden cases never show expected values. */
export function feedbackMarkdown(report: Report): string {
  const lines = [
    `# Feedback for ${report.student}`,
    '',
    `Score: **${report.earned}/${report.points}** (${pct(report.earned, report.points)})`,
    '',
    ...selfCheckLine(report).flatMap((l) => [l, '']),
  ];
  for (const f of report.loadFailures) lines.push(`**${f.message}**`, '');
  for (const q of report.questions) {
    lines.push(`## ${q.id} ${q.title}: ${q.earned}/${q.points}`);
    if (q.problem) lines.push(`- ✗ ${q.problem}`);
    else
      for (const c of q.cases)
        lines.push(`- ${c.passed ? '✓' : '✗'} ${c.hidden ? '(hidden) ' : ''}${c.name}: ${c.message}`);
    lines.push('');
  }
  return lines.join('\n');
}

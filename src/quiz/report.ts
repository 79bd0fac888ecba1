/** Reports of graded submissions: a text table, JSON, JUnit XML, a class gradebook (CSV) and per-student feedback. */
import { ANSWER_RECORDED } from './answers';
import { toCsv } from './csv';
import type { QuestionResult, Report } from './grade';

const pct = (earned: number, points: number): string => `${points ? Math.round((100 * earned) / points) : 0}%`;

const NOT_STARTED = ['not implemented yet', 'no answer given'];

/** A question the student has not touched: its stub still throws, or its answer is still empty. */
const untouched = (q: QuestionResult): boolean =>
  q.cases.length > 0 && q.cases.every((c) => NOT_STARTED.includes(c.message));

/** A concept answer a release records without checking it (it has no course key). */
const recorded = (q: QuestionResult): boolean =>
  q.cases.length > 0 && q.cases.every((c) => c.message === ANSWER_RECORDED);

/** A question's state in one word, as a student's table shows it. */
function status(q: QuestionResult): string {
  if (q.earned === q.points) return 'ok';
  if (recorded(q)) return 'recorded';
  if (untouched(q)) return q.kind === 'code' ? 'not started' : 'no answer';
  return q.earned === 0 ? 'FAIL' : 'partial';
}

/** The lesson a question id belongs to: 'l3.q2' → 'lesson 3'. */
const lessonOf = (id: string): string => `lesson ${/^l(\d+)\./.exec(id)?.[1] ?? '?'}`;

/**
 * A student's report as text, by lesson: a line per question of each lesson begun, one line for each lesson
 * not begun, then what failed. `hiddenPoints`: what the instructor's grading adds (a student release only runs
 * the public cases).
 *
 *     console.log(formatTable(await gradeSubmission('exercises'), { hiddenPoints: 62 }));
 */
export function formatTable(report: Report, options: { hiddenPoints?: number } = {}): string {
  const lessons = new Map<string, QuestionResult[]>();
  for (const q of report.questions) lessons.set(lessonOf(q.id), [...(lessons.get(lessonOf(q.id)) ?? []), q]);
  const begun = report.questions.filter((q) => !lessons.get(lessonOf(q.id))!.every(untouched));
  const rows = begun.map((q) => [q.id, q.title, `${q.earned}/${q.points}`, status(q)]);
  const widths = [0, 1, 2].map((j) => Math.max(0, ...rows.map((r) => r[j]!.length)));
  const pad = (c: string, j: number): string => (j === 2 ? c.padStart(widths[j]!) : c.padEnd(widths[j] ?? 0));
  const line = (cells: string[]): string => `  ${cells.map(pad).join('  ')}`.trimEnd();
  const body = [...lessons].flatMap(([lesson, questions]) => {
    const earned = questions.reduce((s, q) => s + q.earned, 0);
    const points = questions.reduce((s, q) => s + q.points, 0);
    if (questions.every(untouched)) return [`${lesson}: not started (0/${points})`];
    return [`${lesson}: ${earned}/${points}`, ...rows.filter((r) => lessonOf(r[0]!) === lesson).map(line)];
  });
  const hidden = options.hiddenPoints
    ? [`Hidden cases worth ${options.hiddenPoints} more points are graded after you submit (npm run submit).`]
    : [];
  return [
    `${report.student}: ${report.earned}/${report.points} (${pct(report.earned, report.points)})`,
    ...selfCheckLine(report),
    ...hidden,
    '',
    ...body,
    ...problemLines(report, (s) => `  ${s}`, ['', 'Failed:'], begun),
  ].join('\n');
}

/** A self-check says so first: its code ran without the OS sandbox that grading relies on. */
function selfCheckLine(report: Report): string[] {
  return report.selfCheck ? [`Self-check only, not a grade: ${report.selfCheck}.`] : [];
}

/**
 * What went wrong, each thing once: files that did not load, questions that scored 0 for one reason (a
 * module its rule leaves out, a denied access), then the failed cases of the other questions. `among`: only these
 * questions' cases (a student's table leaves out lessons not begun and stubs not yet replaced).
 */
function problemLines(
  report: Report,
  item: (s: string) => string,
  heading: string[],
  among: readonly QuestionResult[] = report.questions,
): string[] {
  const lines = [
    ...report.loadFailures.map((f) => item(f.message)),
    ...among.flatMap((q) => (q.problem ? [item(q.problem)] : [])),
    ...among
      .filter(
        (q) => !q.problem && !untouched(q) && !recorded(q) && !q.cases.every((c) => c.message.startsWith('not run: ')),
      )
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

/**
 * One row per student, one column per question, then the total; with `late` (by student, as the LMS said it),
 * a last column saying how late each submission was.
 *
 *     gradebookCsv(reports, new Map([['lovelaceada_101', 'LATE']]))
 */
export function gradebookCsv(reports: readonly Report[], late?: ReadonlyMap<string, string>): string {
  const ids = reports[0]?.questions.map((q) => q.id) ?? [];
  const header = ['student', ...ids, 'total', 'max', 'percent', ...(late ? ['late'] : [])];
  const rows = reports.map((r) => [
    r.student,
    ...r.questions.map((q) => q.earned),
    r.earned,
    r.points,
    pct(r.earned, r.points),
    ...(late ? [late.get(r.student) ?? ''] : []),
  ]);
  return toCsv([header, ...rows]);
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

/** Reports of graded submissions: a text table, JSON, JUnit XML, a class gradebook (CSV) and per-student feedback. */
import { toCsv } from './csv';
import type { QuestionResult, Report } from './grade';
import { MSG } from './messages';
import { oneLine } from './printable';
import { inLang, type Lang } from './text';
import type { CaseResult, CaseState } from './verdict';

const pct = (earned: number, points: number): string => `${points ? Math.round((100 * earned) / points) : 0}%`;

const every = (q: QuestionResult, states: readonly CaseState[]): boolean =>
  q.cases.length > 0 && q.cases.every((c) => c.state !== undefined && states.includes(c.state));

/** A question the student has not touched: its stub still throws, or its answer is still empty. */
export const untouched = (q: QuestionResult): boolean => every(q, ['not-implemented', 'unanswered']);

/** A concept answer a release records without checking it (it has no course key). */
export const recorded = (q: QuestionResult): boolean => every(q, ['recorded']);

/** A question's state in one word, as a student's table shows it. */
function status(q: QuestionResult, lang: Lang): string {
  const word = (w: keyof typeof MSG.status): string => inLang(MSG.status[w], lang);
  if (q.earned === q.points) return word('ok');
  if (recorded(q)) return word('recorded');
  if (untouched(q)) return word(q.kind === 'code' ? 'notStarted' : 'noAnswer');
  return word(q.earned === 0 ? 'fail' : 'partial');
}

/** The lesson a question id belongs to: 'l3.q2' → 'lesson 3'. */
const lessonOf = (id: string, lang: Lang): string => inLang(MSG.lesson(/^l(\d+)\./.exec(id)?.[1] ?? '?'), lang);

/**
 * A student's report as text, by lesson: a line per question of each lesson begun, one line for each lesson
 * not begun, then what failed. `hiddenPoints`: what the instructor's grading adds (a student release only runs
 * the public cases).
 *
 *     console.log(formatTable(await gradeSubmission('exercises'), { hiddenPoints: 62 }));
 */
export function formatTable(report: Report, options: { hiddenPoints?: number } = {}): string {
  const lang = report.lang ?? 'en';
  const lessonOfQ = (id: string): string => lessonOf(id, lang);
  const lessons = new Map<string, QuestionResult[]>();
  for (const q of report.questions) lessons.set(lessonOfQ(q.id), [...(lessons.get(lessonOfQ(q.id)) ?? []), q]);
  const begun = report.questions.filter((q) => !lessons.get(lessonOfQ(q.id))!.every(untouched));
  const rows = begun.map((q) => [q.id, q.title, `${q.earned}/${q.points}`, status(q, lang)]);
  const widths = [0, 1, 2].map((j) => Math.max(0, ...rows.map((r) => width(r[j]!))));
  const pad = (c: string, j: number): string => {
    const fill = ' '.repeat(Math.max(0, (widths[j] ?? 0) - width(c)));
    return j === 2 ? fill + c : j === 3 ? c : c + fill;
  };
  const line = (cells: string[]): string => `  ${cells.map(pad).join('  ')}`.trimEnd();
  const body = [...lessons].flatMap(([lesson, questions]) => {
    const earned = questions.reduce((s, q) => s + q.earned, 0);
    const points = questions.reduce((s, q) => s + q.points, 0);
    if (questions.every(untouched)) return [inLang(MSG.lessonNotStarted(lesson, points), lang)];
    const heading = `${lesson}${lang === 'zh' ? '：' : ': '}${earned}/${points}`;
    return [heading, ...rows.filter((r) => lessonOfQ(r[0]!) === lesson).map(line)];
  });
  const hidden = options.hiddenPoints ? [inLang(MSG.hiddenWorth(options.hiddenPoints), lang)] : [];
  return [
    `${report.student}: ${report.earned}/${report.points} (${pct(report.earned, report.points)})`,
    ...selfCheckLine(report),
    ...hidden,
    '',
    ...body,
    ...problemLines(report, (s) => `  ${s}`, ['', inLang(MSG.failed, lang)], begun),
  ].join('\n');
}

/** Columns a string takes in a terminal: Chinese characters take two. */
function width(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return w;
}

/** A self-check says so first: its code ran without the OS sandbox that grading relies on. */
function selfCheckLine(report: Report): string[] {
  return report.selfCheck ? [inLang(MSG.selfCheckOnly(report.selfCheck), report.lang ?? 'en')] : [];
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
      .filter((q) => !q.problem && !untouched(q) && !recorded(q) && !every(q, ['not-run']))
      .flatMap((q) => q.cases.filter((c) => !c.passed).map((c) => item(caseLine(q, c, report.lang ?? 'en')))),
  ];
  return lines.length ? [...heading, ...lines] : [];
}

/**
 * A case as the student's feedback shows it: a failed hidden case says only that it failed and what it catches.
 * How it failed (a wrong value, an error, a timeout, memory) is the submission's choice, so a submission that
 * kept one hidden case's arguments could spell them out in how later ones fail; the instructor's report keeps it.
 */
function studentView(c: CaseResult, lang: Lang): CaseResult {
  if (!c.hidden || c.passed) return c;
  const failed = c.catches ? MSG.catches(MSG.hiddenFailed, c.catches) : MSG.hiddenFailed;
  return { ...c, message: inLang(failed, lang) };
}

/** "l1.q2 hidden case 1: wrong value", "l1.q2 NaN: expected NaN, got 0". */
function caseLine(q: QuestionResult, c: QuestionResult['cases'][number], lang: Lang): string {
  return `${q.id} ${c.name}${lang === 'zh' ? '：' : ': '}${c.message}`;
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
  const lang = report.lang ?? 'en';
  const colon = lang === 'zh' ? '：' : ': ';
  const lines = [
    // the student's name is a folder's name, which could hold a line break and a score line of its own
    `# ${inLang(MSG.feedbackFor(oneLine(report.student)), lang)}`,
    '',
    `${inLang(MSG.score, lang)}${colon}**${report.earned}/${report.points}** (${pct(report.earned, report.points)})`,
    '',
    ...selfCheckLine(report).flatMap((l) => [l, '']),
  ];
  for (const f of report.loadFailures) lines.push(`**${f.message}**`, '');
  for (const q of report.questions) {
    lines.push(`## ${q.id} ${q.title}${colon}${q.earned}/${q.points}`);
    if (q.problem) lines.push(`- ✗ ${q.problem}`);
    else
      for (const c of q.cases)
        lines.push(`- ${c.passed ? '✓' : '✗'} ${caseLine(q, studentView(c, lang), lang).slice(q.id.length + 1)}`);
    lines.push('');
  }
  return lines.join('\n');
}

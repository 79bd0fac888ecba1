/**
 * The grader's own words, in every language of the course (text.ts): verdicts, limits, sandbox endings, report
 * headings and check()'s notes. What a question says (titles, hints, choices) comes from the bank instead. Text a
 * submission controls reaches these strings only as compare.ts's `quoted` made it: one line in a code span.
 */
import { joinText as join, type Text, type Translated } from './text';

const t = (en: string, zh: string): Translated => ({ en, zh });

export const MSG = {
  // a case's verdict
  correct: t('correct', '正确'),
  notImplemented: t('not implemented yet', '尚未实现'),
  wrongValue: t('wrong value', '结果不对'),
  threwAnError: t('threw an error', '抛出了错误'),
  threw: (quotedError: string, at?: string): Translated =>
    t(`threw ${quotedError}${at ? ` at ${at}` : ''}`, `抛出 ${quotedError}${at ? `（位于 ${at}）` : ''}`),
  outOfMemory: t('ran out of memory', '内存耗尽'),
  outOfMemoryThrew: (threw: Text): Translated => join(t('ran out of memory: ', '内存耗尽：'), threw),
  unsendable: (quotedWhy?: string): Translated =>
    t(
      `returned a value that cannot be sent back${quotedWhy ? `: ${quotedWhy}` : ''}`,
      `返回值无法传回评分程序${quotedWhy ? `：${quotedWhy}` : ''}`,
    ),
  notAValue: (type: string): Translated => t(`returned ${type}, not a value`, `返回的是 ${type}，不是一个值`),
  leaked: (count?: number): Translated =>
    t(
      `leaked ${count === undefined ? 'tensors' : `${count} tensor(s)`}: wrap tensor work in tf.tidy or dispose what you create`,
      `泄漏了${count === undefined ? '' : ` ${count} 个`}张量：把张量运算包进 tf.tidy，或释放你创建的张量`,
    ),
  mutated: t('changed its input arguments: work on a copy', '修改了传入的参数：请在副本上操作'),
  /** A wrong value, and the hint of each misconception it matches. */
  hints: (why: Text, hints: readonly Text[]): Translated =>
    join(why, ...hints.map((h) => join(t('. Hint: ', '。提示：'), h))),
  /** A hidden case's wrong value, and what the case exists to catch. */
  catches: (why: Text, what: Text): Translated => join(why, t('. This case catches: ', '。本用例针对的错误：'), what),

  /** compare.ts's explanation of a mismatch, in pieces. */
  mismatch: {
    expected: t('expected ', '应为 '),
    got: t(', got ', '，实际为 '),
    gotLength: (n: number): Translated => t(`, got length ${n}`, `，实际长度为 ${n}`),
    expectedObject: t('expected an object, got ', '应为对象，实际为'),
    noField: (key: string): Translated => t(`the result has no field '${key}'`, `结果缺少字段 '${key}'`),
    arrayOf: (n: number): Translated => t(`an array of length ${n}`, `长度为 ${n} 的数组`),
    object: t('an object', '一个对象'),
    typed: (type: string): Translated => t(`a ${type}`, `${type} 类型的值`),
  },

  // judged cases (judging.ts)
  judgeFailed: t(
    'could not be judged: a fault of the grader, not of your code',
    '无法评判：这是评分程序的问题，不是你的代码的问题',
  ),
  judgeTimeout: (ms: number): Translated =>
    t(`judging it took longer than ${ms / 1000} s, the limit`, `评判超过了 ${ms / 1000} 秒的时间上限`),

  // what a function may use, and what the sandbox denied
  usesNotAllowed: (what: string, rule: Text): Translated =>
    join(
      t(`uses ${what}, which this exercise does not allow (it may use `, `使用了 ${what}，本题不允许（本题可用：`),
      rule,
      t(')', '）'),
    ),
  everything: t('everything', '全部'),
  something: t('something', '某个不允许的东西'),
  only: (rule: Text): Translated => join(t('only ', '仅限'), rule),
  nothingAllowed: t('no library module and no package', '无库模块、无包'),
  libraryModules: (list: string): Translated => t(`the library's ${list}`, `库的 ${list}`),
  packages: (list: string, many: boolean): Translated => t(`the package${many ? 's' : ''} ${list}`, `包 ${list}`),
  and: t(' and ', ' 和 '),
  usesNoteOnly: (rule: Text): Translated =>
    join(
      t('Graded with ', '评分时可用：'),
      rule,
      t(
        " available: every other library module and package, and the platform's float16 conversions, are absent while its cases run.",
        '；运行用例时，其他库模块和包以及平台自带的 float16 转换都不存在。',
      ),
    ),
  usesNotePlain: t(
    "Graded as plain TypeScript: no library module, no package and none of the platform's float16 conversions are available while its cases run.",
    '按纯 TypeScript 评分：运行用例时没有任何库模块和包，也没有平台自带的 float16 转换。',
  ),
  nativeAddon: t(
    'your code tried to load a native addon, which grading does not allow',
    '你的代码试图加载原生扩展，评分时不允许',
  ),
  readOutside: (where?: string): Translated =>
    t(
      `your code tried to read a file outside your submission${where ? ` (${where})` : ''}`,
      `你的代码试图读取提交文件夹之外的文件${where ? `（${where}）` : ''}`,
    ),
  writeFile: (where?: string): Translated =>
    t(
      `your code tried to write a file${where ? ` (${where})` : ''}, which grading does not allow`,
      `你的代码试图写文件${where ? `（${where}）` : ''}，评分时不允许`,
    ),
  childProcess: t(
    'your code tried to start a process (child_process), which grading does not allow',
    '你的代码试图启动进程（child_process），评分时不允许',
  ),
  workerThread: t(
    'your code tried to start a worker thread, which grading does not allow',
    '你的代码试图启动 worker 线程，评分时不允许',
  ),
  otherApi: t('your code tried to use an API that grading does not allow', '你的代码试图使用评分时不允许的 API'),
  pathOutside: t('a path outside it', '提交文件夹之外的路径'),
  questionZero: (id: string, reason: Text, points: number): Translated => join(`${id} `, reason, `: 0/${points}`),
  questionZeroPoints: (id: string, reason: Text): Translated => join(`${id}: `, reason, t(': 0 points', '：0 分')),

  // a file that did not load
  didNotLoad: (file: string, why: Text): Translated => join(t(`${file} did not load: `, `${file} 未能加载：`), why),
  fileDetail: (file: string, detail: Text): Translated => join(`${file} `, detail),
  doesNotCompile: (quotedError: string): Translated =>
    t(`does not compile: ${quotedError}`, `无法编译：${quotedError}`),
  usesAtLoad: (what: string): Translated =>
    t(`at load time it uses ${what}, which this exercise does not allow`, `加载时使用了 ${what}，本题不允许`),
  changedWhileLoading: (what: 'the built-in' | "the library's", name: string): Translated =>
    t(
      `it changed ${what} ${name} while loading, which grading does not allow`,
      `加载时修改了${what === 'the built-in' ? '内置的' : '库的'} ${name}，评分时不允许`,
    ),
  notRun: (file: string): Translated => t(`not run: ${file} did not load`, `未运行：${file} 未能加载`),
  missingFile: (file: string): Translated => t(`missing file ${file}`, `缺少文件 ${file}`),
  notGraded: t('not graded', '未评分'),
  loadAgain: (detail: Text): Translated =>
    join(t('did not load again after the previous case: ', '上一个用例之后未能重新加载：'), detail),
  threwWhileLoading: t('threw while loading', '加载时抛出了错误'),
  overBudget: (seconds: string): Translated =>
    t(
      `not run: the submission's code used up its ${seconds} s of wall-clock time (twice the sum of its limits of CPU time), waiting rather than computing or on a machine too busy to grade`,
      `未运行：提交的代码用完了 ${seconds} 秒的实际时间（其各项 CPU 时间上限之和的两倍），在等待而不是计算，或者机器太忙`,
    ),
  timedOutTwice: t(
    'not run: two earlier cases of this function ran out of time, so it was not called again',
    '未运行：这个函数之前已有两个用例超时，所以没有再调用它',
  ),

  // limits and endings (sandbox.ts, runner.ts, in_process.ts)
  finishLoading: t('finish loading', '完成加载'),
  finish: t('finish', '完成'),
  whileLoading: t('while loading', '加载时'),
  duringCall: t('during the call', '调用期间'),
  overTime: (what: Translated, ms: number, cpu: boolean): Translated =>
    t(
      `did not ${what.en} within ${ms} ms${cpu ? ' of CPU time' : ''} (an infinite loop?)`,
      `没有在 ${ms} ms ${cpu ? 'CPU 时间' : ''}内${what.zh}（死循环？）`,
    ),
  idle: (what: Translated, seconds: string): Translated =>
    t(
      `did not ${what.en}: it waited ${seconds} s without computing (a promise that never settles?)`,
      `没有${what.zh}：等了 ${seconds} 秒却没有计算（一个永远不会完成的 Promise？）`,
    ),
  trickle: (what: Translated, seconds: number): Translated =>
    t(
      `did not ${what.en} within ${seconds} s, computing only now and then`,
      `没有在 ${seconds} 秒内${what.zh}，只是断断续续地计算`,
    ),
  memoryLimit: (during: Translated, mb: number): Translated =>
    t(`ran out of memory ${during.en} (the limit is ${mb} MB)`, `${during.zh}内存耗尽（上限 ${mb} MB）`),
  processEnded: (during: Translated): Translated => t(`the process ended ${during.en}`, `进程在${during.zh}结束了`),
  bySignal: (during: Translated, signal: string): Translated =>
    t(`the process ended ${during.en} (${signal})`, `进程在${during.zh}结束了（${signal}）`),
  exitCode: (during: Translated, code: number | null): Translated =>
    t(
      `the process ended ${during.en} (exit code ${code}): did the code call process.exit?`,
      `进程在${during.zh}结束了（退出码 ${code}）：代码调用了 process.exit 吗？`,
    ),
  violation: (what: Translated, during: Translated): Translated =>
    t(
      `the process ${what.en} ${during.en}, which grading does not allow`,
      `进程在${during.zh}${what.zh}，评分时不允许`,
    ),
  answeredNobody: t('answered a call nobody made', '回答了一个不存在的调用'),
  outOfTurn: t('sent a message out of turn', '在不该发消息的时候发了消息'),
  wroteOnChannel: t("wrote on the grader's channel", '往评分程序的通道里写了东西'),
  sentProblem: (problem: string): Translated =>
    t(`sent the grader ${problem}`, `向评分程序发送了不能接受的内容（${problem}）`),
  sentTooMuch: t('sent the grader more than a result can hold', '向评分程序发送的内容超过了一个结果的容量'),
  inProcessTimeout: (ms: number): Translated =>
    t(`did not finish within ${ms} ms (an infinite loop?)`, `没有在 ${ms} ms 内完成（死循环？）`),

  // concept answers
  answer: t('answer', '作答'),
  noAnswer: t('no answer given', '没有作答'),
  notAnsweredYet: t('not answered yet', '还没有作答'),
  recorded: t('answered: your instructor grades concept answers', '已作答：概念题由老师评分'),
  notExpected: t('not the expected answer', '不是正确答案'),
  chooseOne: (letters: string): Translated =>
    t(
      `answer with one letter (${letters}) in exercises/answers.json`,
      `在 exercises/answers.json 中用一个字母（${letters}）作答`,
    ),
  notAChoice: (letters: string): Translated =>
    t(`not one of the choices: answer with one letter (${letters})`, `不是选项之一：请用一个字母（${letters}）作答`),

  // answers.json and the submission
  answersNotJson: (quotedError: string): Translated =>
    t(`answers.json is not valid JSON: ${quotedError}`, `answers.json 不是合法的 JSON：${quotedError}`),
  answersNotObject: t(
    'answers.json must hold one object of answers by question id: { "l1.c1": { "answer": 65504 }, … }',
    'answers.json 必须是一个以题号为键的对象：{ "l1.c1": { "answer": 65504 }, … }',
  ),
  couldNotRead: (file: string, quotedError: string): Translated =>
    t(`could not read ${file}: ${quotedError}`, `无法读取 ${file}：${quotedError}`),
  notGradedSubmission: (why: string): Translated => t(`the submission was not graded: ${why}`, `提交未评分：${why}`),

  // reports
  status: {
    ok: t('ok', '通过'),
    recorded: t('recorded', '已记录'),
    notStarted: t('not started', '未开始'),
    noAnswer: t('no answer', '未作答'),
    fail: t('FAIL', '未通过'),
    partial: t('partial', '部分通过'),
  },
  lesson: (n: string): Translated => t(`lesson ${n}`, `第 ${n} 课`),
  lessonNotStarted: (lesson: string, points: number): Translated =>
    t(`${lesson}: not started (0/${points})`, `${lesson}：未开始（0/${points}）`),
  hiddenWorth: (points: number): Translated =>
    t(
      `Hidden cases worth ${points} more points are graded after you submit (npm run submit).`,
      `隐藏用例另有 ${points} 分，在你提交（npm run submit）之后评分。`,
    ),
  selfCheckOnly: (why: Text): Translated =>
    join(t('Self-check only, not a grade: ', '仅为自查，不是成绩：'), why, t('.', '。')),
  failed: t('Failed:', '未通过：'),
  hidden: t('(hidden)', '（隐藏）'),
  /** A hidden case's name in feedback: the bank's name often states its input. */
  hiddenCase: (n: number): Translated => t(`hidden case ${n}`, `隐藏用例 ${n}`),
  /** A failed hidden case in the student's feedback, whatever the reason (the instructor's report keeps it). */
  hiddenFailed: t('failed', '未通过'),
  feedbackFor: (student: string): Translated => t(`Feedback for ${student}`, `${student} 的反馈`),
  score: t('Score', '得分'),
  typeWarnings: t(
    'Type errors (warnings: grading runs the code as it is, but these often point at the bug):',
    '类型错误（只是警告：评分照样运行代码，但它们常常指向 bug）：',
  ),
  noSandbox: t('graded without an OS sandbox, as asked', '按要求在没有操作系统沙箱的情况下评分'),
  linuxOnly: (platform: string): Translated =>
    t(`bubblewrap runs on Linux only, not ${platform}`, `bubblewrap 只能在 Linux 上运行，这里是 ${platform}`),
  noBubblewrap: t(
    'bubblewrap is not installed (apt-get install bubblewrap)',
    '没有安装 bubblewrap（apt-get install bubblewrap）',
  ),
  bubblewrapFails: (stderr: string): Translated =>
    t(`bubblewrap cannot start a sandbox here: ${stderr}`, `bubblewrap 在这里无法启动沙箱：${stderr}`),

  // check() in a notebook
  notDone: t(
    'not done yet: replace the `throw new NotImplementedError(…)` with your code',
    '还没有完成：把 `throw new NotImplementedError(…)` 换成你的代码',
  ),
  unchecked: t(
    'UNCHECKED: this function uses notebook state, so it ran in the notebook’s own process, on the public cases only, with no sandbox and no rule enforced; `npm run grade` decides',
    '未经检查：这个函数用到了 notebook 里的状态，所以在 notebook 自己的进程里运行，只跑了公开用例，没有沙箱，也没有执行规则；以 `npm run grade` 的结果为准',
  ),
  selfCheck: (why: Text): Translated => join(t('self-check: ', '自查：'), why),
  noFileToCheck: (file: string): Translated => t(`no ${file} to check`, `没有可检查的 ${file}`),
  needsFunction: (id: string, got: string): Translated =>
    t(`${id} needs a function, got ${got}`, `${id} 需要一个函数，收到的是 ${got}`),
  couldNotRun: (id: string, why: string): Translated =>
    t(`check('${id}') could not run: ${why}`, `check('${id}') 无法运行：${why}`),
  casesFailed: (n: number): Translated => t(`${n} case${n > 1 ? 's' : ''} failed`, `${n} 个用例未通过`),
  allCorrect: t('all correct', '全部正确'),
  columns: { case: t('case', '用例'), points: t('points', '分数'), result: t('result', '结果') },
} as const;

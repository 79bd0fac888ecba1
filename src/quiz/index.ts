/**
 * The grading harness. Questions are data (src/quiz/questions, or bank.json in a student release). Student
 * code runs in a sandbox per exercise file and profile (what its questions may use: allowed.ts), an OS sandbox
 * where bubblewrap works (sandbox.ts), from a staged copy (stage.ts), for `npm run grade` and for check() in a
 * notebook alike.
 */
export { NotImplementedError, GradingError } from './errors';
export { compare, explainMismatch, describeNumber, quoted, type Comparison, type Verdict } from './compare';
export {
  shown,
  hidden,
  mistake,
  judged,
  pointsOf,
  POINTS_PER_MINUTE,
  type Misconception,
  type AnswerTest,
  type Mistake,
  type Question,
  type CodeQuestion,
  type ConceptQuestion,
  type CodeCase,
  type Uses,
} from './question';
export { loadQuestions, findQuestion, questionIds } from './bank';
export { gradeSubmission, gradeFiles, failedReport, type Report, type LoadFailure, type GradeOptions } from './grade';
export { judge, judgeQuestion, gradeConcept, type QuestionResult, type CaseResult, type CaseState } from './verdict';
export { runFile, type Call, type CallOutcome, type RunLimits, type FileRun, type FileOutcome } from './runner';
export { isolation, type Isolation } from './sandbox';
export { libraryStage, stageSubmission, readSubmission } from './stage';
export { profileOf, usesNote, libraryGraph, type Profile } from './allowed';
export { gradeClass, type ClassProgress } from './class';
export { check, checkResult, renderHtml, summary, type CheckResult, type CheckOptions } from './check';
export { LANGS, inLang, studentLang, type Lang, type Text, type Translated } from './text';
export { formatTable, toJUnit, gradebookCsv, feedbackMarkdown } from './report';
export { writeRelease, publicQuestion, RELEASE_PATHS } from './release';
export { generateStub } from './stubs';
export { submit, packSubmission, type Submission } from './submit';
export { answerHash, normaliseAnswer, courseKey } from './answers';
export { judgedBy, runJudge, PROBES, JUDGE_TIMEOUT_MS, type JudgeSpec, type JudgeVerdict } from './judges';

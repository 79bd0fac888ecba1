/**
 * The grading harness. Questions are data (src/quiz/questions, or bank.json in a student release); student
 * code runs in an isolated child process (runner.ts) for `npm run grade`, and in the notebook for check().
 */
export { NotImplementedError, GradingError } from './errors';
export { compare, describeNumber, type Comparison, type Verdict } from './compare';
export {
  kase,
  hidden,
  pointsOf,
  type Question,
  type CodeQuestion,
  type ConceptQuestion,
  type CodeCase,
} from './question';
export { loadQuestions, findQuestion } from './bank';
export {
  gradeSubmission,
  judge,
  gradeConcept,
  type Report,
  type QuestionResult,
  type CaseResult,
  type GradeOptions,
} from './grade';
export { runCalls, type Call, type CallOutcome, type RunLimits } from './runner';
export { check, renderHtml, type CheckResult } from './check';
export { formatTable, toJUnit, gradebookCsv, feedbackMarkdown } from './report';
export { writeRelease, publicQuestion, RELEASE_PATHS } from './release';
export { generateStub } from './stubs';
export { answerHash, normaliseAnswer } from './answers';

/**
 * The grading harness. Questions are data (src/quiz/questions, or bank.json in a student release). Student
 * code runs in a sandboxed child process per exercise file (runner.ts), from a staged copy (stage.ts), for
 * `npm run grade` and for check() in a notebook alike.
 */
export { NotImplementedError, GradingError } from './errors';
export { compare, describeNumber, type Comparison, type Verdict } from './compare';
export {
  shown,
  hidden,
  pointsOf,
  type Question,
  type CodeQuestion,
  type ConceptQuestion,
  type CodeCase,
  type Forbidden,
  type PlatformFeature,
  PLATFORM_FEATURES,
} from './question';
export { loadQuestions, findQuestion, questionIds } from './bank';
export { gradeSubmission, gradeFiles, type Report, type LoadFailure, type GradeOptions } from './grade';
export { judge, judgeQuestion, gradeConcept, type QuestionResult, type CaseResult } from './verdict';
export { runFile, type Call, type CallOutcome, type RunLimits, type FileRun, type FileOutcome } from './runner';
export { libraryStage, stageSubmission, readSubmission } from './stage';
export { SubmissionAnalysis, type Reached } from './static_check';
export { forbiddenNames, forbiddenNote, libraryModuleExports } from './forbidden';
export { gradeClass, type ClassProgress } from './class';
export { check, renderHtml, summary, type CheckResult } from './check';
export { formatTable, toJUnit, gradebookCsv, feedbackMarkdown } from './report';
export { writeRelease, publicQuestion, RELEASE_PATHS } from './release';
export { generateStub } from './stubs';
export { submit, packSubmission, type Submission } from './submit';
export { answerHash, normaliseAnswer } from './answers';

/** Thrown by exercise stubs until the student replaces them. */
export class NotImplementedError extends Error {
  constructor(readonly questionId: string) {
    // both languages: a stub runs before anything knows the student's (src/quiz/text.ts)
    super(
      `${questionId} is not implemented yet: replace the throw with your code. ${questionId} 尚未实现：把这行 throw 换成你的代码。`,
    );
    this.name = 'NotImplementedError';
  }
}

/** A problem with the grading setup itself (unknown question, missing file), not with a submission. */
export class GradingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GradingError';
  }
}

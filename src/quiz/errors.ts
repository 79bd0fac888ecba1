/** Thrown by exercise stubs until the student replaces them. */
export class NotImplementedError extends Error {
  constructor(readonly questionId: string) {
    super(`${questionId} is not implemented yet: replace the throw with your code.`);
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

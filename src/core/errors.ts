/**
 * Expected user mistakes are values with a string code; each adapter turns the code
 * into a private, friendly message in one place. Anything else is a bug and is logged.
 */
export type CoachingErrorCode =
  | "not-a-cohort"
  | "already-a-cohort"
  | "unknown-track"
  | "bad-time"
  | "bad-zone"
  | "bad-days"
  | "bad-date"
  | "bad-arguments"
  | "not-an-admin"
  | "last-admin"
  | "not-your-review"
  | "review-submitted"
  | "review-incomplete"
  | "reviews-not-open"
  | "window-closed"
  | "answer-too-long"
  | "answer-empty"
  | "no-prompt"
  | "no-answer"
  | "feedback-not-ready"
  | "bad-score"
  | "no-questions"
  | "unknown-drill"
  | "bad-text"
  | "not-recorded"
  | "unknown-link"
  | "ai-not-configured";

export class CoachingError extends Error {
  override readonly name = "CoachingError";
  constructor(
    readonly code: CoachingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isCoachingError = (error: unknown): error is CoachingError => error instanceof CoachingError;

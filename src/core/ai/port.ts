import type { Question } from "../questions/types.ts";

/** One rubric criterion scored by the AI, with the sentence of its justification (citing the answer). */
export interface AiCriterionScore {
  readonly criterionId: string;
  readonly score: 1 | 2 | 3 | 4 | 5;
  readonly justification: string;
}

export interface AiReview {
  /** The model as configured (AI_MODEL); the bias model knows this reviewer as `ai:<model>`. */
  readonly model: string;
  readonly scores: readonly AiCriterionScore[];
}

export type AiFailureReason = "timeout" | "rate_limited" | "server_error" | "unparseable" | "unreachable" | "rejected";

export type AiReviewOutcome =
  | { readonly kind: "scored"; readonly review: AiReview }
  | { readonly kind: "failed"; readonly reason: AiFailureReason; readonly detail: string };

export interface AiReviewRequest {
  readonly question: Question;
  readonly answerText: string;
  /** The follow-up the member was pushed back with, and their reply, when they answered one. */
  readonly followUp?: { readonly prompt: string; readonly answerText: string };
}

/**
 * A model reviewing one answer against the question's rubric. Implementations time out,
 * retry unparseable output once and respect a per-minute call budget; they never throw.
 */
export interface AiReviewer {
  readonly model: string;
  review(request: AiReviewRequest): Promise<AiReviewOutcome>;
}

/** The bias model's reviewer id for a model, kept apart from every platform user ref. */
export function aiReviewerRef(model: string): string {
  return `ai:${model}`;
}

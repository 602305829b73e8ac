/** The five steps of a prompt's day, in order; each runs exactly once. */
export const promptSteps = ["post", "answer-reminder", "open-reviews", "reviewer-reminder", "close"] as const;
export type PromptStep = (typeof promptSteps)[number];

export interface Prompt {
  readonly id: number;
  readonly cohortId: number;
  readonly localDate: string;
  readonly questionId: string;
  readonly season: number;
  readonly postAt: Date;
  readonly answersCloseAt: Date;
  readonly reviewsCloseAt: Date;
  readonly messageRef: string | null;
  readonly threadRef: string | null;
}

export interface Answer {
  readonly id: number;
  readonly promptId: number;
  readonly userRef: string;
  readonly body: string;
  readonly sourceRef: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly withdrawnAt: Date | null;
}

export interface ReviewAssignment {
  readonly id: number;
  readonly promptId: number;
  readonly answerId: number;
  readonly reviewerRef: string;
  readonly comment: string | null;
  readonly submittedAt: Date | null;
}

export interface CriterionResult {
  readonly criterionId: string;
  readonly score: number;
  readonly uncertainty: number;
  readonly plainMean: number;
  readonly gradeCount: number;
}

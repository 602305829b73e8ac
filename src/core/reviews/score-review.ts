import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import { requireStorable } from "../text.ts";
import type { ReviewCard } from "../messages.ts";
import { awardReview } from "../points/awards.ts";
import type { ReviewAssignment } from "../prompts/types.ts";
import { buildReviewCard } from "./review-card.ts";

export const MAX_COMMENT_LENGTH = 1_000;

/** Only the assigned reviewer may touch an assignment, and only while reviews are open. */
async function requireOwnOpenReview(deps: CoachDeps, assignmentId: number, reviewerRef: string): Promise<ReviewAssignment> {
  const assignment = await deps.repos.reviews.get(assignmentId);
  if (!assignment || assignment.reviewerRef !== reviewerRef) {
    throw new CoachingError("not-your-review", "This review is assigned to someone else, so your click was not recorded.");
  }
  if (assignment.submittedAt !== null) throw new CoachingError("review-submitted", "You already submitted this review; it can no longer change.");
  const steps = await deps.repos.prompts.steps(assignment.promptId);
  if (steps.get("open-reviews") !== "done" || steps.has("close")) {
    throw new CoachingError("reviews-not-open", "Reviews for this question are closed, so your click was not recorded.");
  }
  return assignment;
}

async function card(deps: CoachDeps, assignmentId: number): Promise<ReviewCard> {
  const built = await buildReviewCard(deps, assignmentId);
  if (!built) throw new CoachingError("not-your-review", "This review no longer exists.");
  return built;
}

export async function showReview(deps: CoachDeps, assignmentId: number, reviewerRef: string): Promise<ReviewCard> {
  const assignment = await deps.repos.reviews.get(assignmentId);
  if (!assignment || assignment.reviewerRef !== reviewerRef) throw new CoachingError("not-your-review", "This review is assigned to someone else.");
  return card(deps, assignmentId);
}

/** The reviewer's next unsubmitted assignment for a prompt (Discord's "Review" button). */
export async function nextReview(deps: CoachDeps, promptId: number, reviewerRef: string): Promise<{ card: ReviewCard | undefined; remaining: number; total: number }> {
  const mine = await deps.repos.reviews.forReviewer(reviewerRef, promptId);
  const open = mine.filter((a) => a.submittedAt === null);
  const first = open[0];
  return { card: first ? await card(deps, first.id) : undefined, remaining: open.length, total: mine.length };
}

/**
 * One click on a 1-5 button. Repeating it, or clicking twice at once, leaves one score:
 * the newest click by `actionAt` (the platform's click time; the clock when absent), even
 * when an older click is stored after it. The card always shows what is stored.
 */
export async function scoreCriterion(
  deps: CoachDeps,
  input: { readonly assignmentId: number; readonly reviewerRef: string; readonly criterionId: string; readonly score: number; readonly actionAt?: Date | undefined },
): Promise<ReviewCard> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) throw new CoachingError("bad-score", "Scores go from 1 to 5.");
  const assignment = await requireOwnOpenReview(deps, input.assignmentId, input.reviewerRef);
  const prompt = await deps.repos.prompts.get(assignment.promptId);
  const question = prompt && (await deps.repos.questions.get(prompt.questionId));
  if (!question?.rubric.criteria.some((c) => c.id === input.criterionId)) throw new CoachingError("bad-score", "That criterion is not part of this rubric.");
  const now = deps.clock.now();
  if ((await deps.repos.reviews.recordScore(input.assignmentId, input.criterionId, input.score, input.actionAt ?? now, now)) === "closed") {
    throw new CoachingError("review-submitted", "You already submitted this review; it can no longer change.");
  }
  return card(deps, input.assignmentId);
}

export async function commentReview(deps: CoachDeps, input: { readonly assignmentId: number; readonly reviewerRef: string; readonly comment: string }): Promise<ReviewCard> {
  const comment = requireStorable(input.comment, "comment").trim();
  if (comment.length > MAX_COMMENT_LENGTH) throw new CoachingError("answer-too-long", `Comments are limited to ${MAX_COMMENT_LENGTH} characters; yours has ${comment.length}.`);
  await requireOwnOpenReview(deps, input.assignmentId, input.reviewerRef);
  await deps.repos.reviews.setComment(input.assignmentId, comment);
  return card(deps, input.assignmentId);
}

/** Locks the review once every criterion has a score; points go to on-time reviewers once. */
export async function submitReview(deps: CoachDeps, input: { readonly assignmentId: number; readonly reviewerRef: string }): Promise<ReviewCard> {
  const assignment = await requireOwnOpenReview(deps, input.assignmentId, input.reviewerRef);
  const current = await card(deps, input.assignmentId);
  const unscored = current.criteria.filter((c) => c.chosen === undefined);
  if (unscored.length > 0) {
    throw new CoachingError("review-incomplete", `Score every criterion before submitting. Still open: ${unscored.map((c) => c.label).join(", ")}.`);
  }
  const now = deps.clock.now();
  if (await deps.repos.reviews.submit(assignment.id, now)) {
    const prompt = (await deps.repos.prompts.get(assignment.promptId))!;
    await awardReview(deps, prompt, input.reviewerRef, assignment.id, now);
  }
  return card(deps, input.assignmentId);
}

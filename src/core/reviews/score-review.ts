import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import { requireStorable } from "../text.ts";
import type { ReviewCard } from "../messages.ts";
import { awardReview } from "../points/awards.ts";
import type { ReviewContext } from "../ports.ts";
import { buildReviewCard, reviewCardFrom, reviewCardWithPeers } from "./review-card.ts";

export const MAX_COMMENT_LENGTH = 1_000;

/** Only the assigned reviewer may touch an assignment, and only while reviews are open. */
async function requireOwnOpenReview(deps: CoachDeps, assignmentId: number, reviewerRef: string): Promise<ReviewContext> {
  const context = await deps.repos.reviews.context(assignmentId);
  if (!context || context.assignment.reviewerRef !== reviewerRef) {
    throw new CoachingError("not-your-review", "This review is assigned to someone else, so your click was not recorded.");
  }
  if (context.assignment.submittedAt !== null) throw new CoachingError("review-submitted", "You already submitted this review; it can no longer change.");
  if (context.steps.get("open-reviews") !== "done" || context.steps.has("close")) {
    throw new CoachingError("reviews-not-open", "Reviews for this question are closed, so your click was not recorded.");
  }
  return context;
}

function cardOf(built: ReviewCard | undefined): ReviewCard {
  if (!built) throw new CoachingError("not-your-review", "This review no longer exists.");
  return built;
}

export async function showReview(deps: CoachDeps, assignmentId: number, reviewerRef: string): Promise<ReviewCard> {
  const context = await deps.repos.reviews.context(assignmentId);
  if (!context || context.assignment.reviewerRef !== reviewerRef) throw new CoachingError("not-your-review", "This review is assigned to someone else.");
  return cardOf(await reviewCardWithPeers(deps, context));
}

/** The reviewer's next unsubmitted assignment for a prompt (Discord's "Review" button). */
export async function nextReview(deps: CoachDeps, promptId: number, reviewerRef: string): Promise<{ card: ReviewCard | undefined; remaining: number; total: number }> {
  const mine = await deps.repos.reviews.forReviewer(reviewerRef, promptId);
  const open = mine.filter((a) => a.submittedAt === null);
  const first = open[0];
  return { card: first ? cardOf(await buildReviewCard(deps, first.id)) : undefined, remaining: open.length, total: mine.length };
}

/**
 * One click on a 1-5 button: one read, one write, and the card rendered from what was
 * read plus the new score. Repeating it, or clicking twice at once, leaves one score:
 * the newest click by `actionAt` (the platform's click time; the clock when absent), even
 * when an older click is stored after it. The card always shows what is stored.
 */
export async function scoreCriterion(
  deps: CoachDeps,
  input: { readonly assignmentId: number; readonly reviewerRef: string; readonly criterionId: string; readonly score: number; readonly actionAt?: Date | undefined },
): Promise<ReviewCard> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) throw new CoachingError("bad-score", "Scores go from 1 to 5.");
  const context = await requireOwnOpenReview(deps, input.assignmentId, input.reviewerRef);
  if (!context.question?.rubric.criteria.some((c) => c.id === input.criterionId)) throw new CoachingError("bad-score", "That criterion is not part of this rubric.");
  const now = deps.clock.now();
  const outcome = await deps.repos.reviews.recordScore(input.assignmentId, input.criterionId, input.score, input.actionAt ?? now, now);
  if (outcome === "closed") {
    throw new CoachingError("review-submitted", "You already submitted this review; it can no longer change.");
  }
  // A newer click already stored (from another replica) wins: show that, not this one.
  const scores = outcome === "stored" ? new Map([...context.scores, [input.criterionId, input.score]]) : await deps.repos.reviews.scores(input.assignmentId);
  return cardOf(reviewCardFrom({ ...context, scores }));
}

export async function commentReview(deps: CoachDeps, input: { readonly assignmentId: number; readonly reviewerRef: string; readonly comment: string }): Promise<ReviewCard> {
  const comment = requireStorable(input.comment, "comment").trim();
  if (comment.length > MAX_COMMENT_LENGTH) throw new CoachingError("answer-too-long", `Comments are limited to ${MAX_COMMENT_LENGTH} characters; yours has ${comment.length}.`);
  const context = await requireOwnOpenReview(deps, input.assignmentId, input.reviewerRef);
  if (!(await deps.repos.reviews.setComment(input.assignmentId, comment))) {
    throw new CoachingError("review-submitted", "You already submitted this review; it can no longer change.");
  }
  return cardOf(reviewCardFrom({ ...context, assignment: { ...context.assignment, comment } }));
}

/** Locks the review once every criterion has a score; points go to on-time reviewers once. */
export async function submitReview(deps: CoachDeps, input: { readonly assignmentId: number; readonly reviewerRef: string }): Promise<ReviewCard> {
  const context = await requireOwnOpenReview(deps, input.assignmentId, input.reviewerRef);
  const unscored = cardOf(reviewCardFrom(context)).criteria.filter((c) => c.chosen === undefined);
  if (unscored.length > 0) {
    throw new CoachingError("review-incomplete", `Score every criterion before submitting. Still open: ${unscored.map((c) => c.label).join(", ")}.`);
  }
  const now = deps.clock.now();
  if (await deps.repos.reviews.submit(context.assignment.id, now)) {
    await awardReview(deps, context.prompt, input.reviewerRef, context.assignment.id, now);
  }
  return cardOf(await reviewCardWithPeers(deps, { ...context, assignment: { ...context.assignment, submittedAt: context.assignment.submittedAt ?? now } }));
}

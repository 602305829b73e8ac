import type { CoachDeps } from "../deps.ts";
import type { DrillAiComparison } from "../messages.ts";
import type { ClaimedAiReview, StoredAiReview } from "../ports.ts";
import type { Question } from "../questions/types.ts";

/** The AI's scores beside the self-rating, in rubric order. */
export function drillComparison(question: Question, ratings: Readonly<Record<string, number>> | null, review: StoredAiReview): DrillAiComparison {
  const byId = new Map(review.scores.map((s) => [s.criterionId, s]));
  return {
    model: review.model,
    criteria: question.rubric.criteria.flatMap((c) => {
      const ai = byId.get(c.id);
      return ai ? [{ id: c.id, label: c.label, self: ratings?.[c.id], ai: ai.score, justification: ai.justification }] : [];
    }),
  };
}

/** What the practice room shows of the AI for an attempt: nothing without an AI, else pending, ready or unavailable. */
export type DrillAiState = { readonly status: "pending"; readonly model: string } | { readonly status: "ready"; readonly comparison: DrillAiComparison } | { readonly status: "unavailable" };

export async function drillAiState(deps: CoachDeps, attemptId: number, question: Question, ratings: Readonly<Record<string, number>> | null): Promise<DrillAiState | undefined> {
  if (!deps.ai || ratings === null) return undefined;
  const review = await deps.repos.aiReviews.forDrill(attemptId);
  if (!review) return undefined;
  if (review.status === "scored") return { status: "ready", comparison: drillComparison(question, ratings, review) };
  if (review.status === "pending" || review.status === "running") return { status: "pending", model: review.model };
  return { status: "unavailable" };
}

/**
 * Sends a scored drill review to its member on their platform. The web practice room
 * has no push: it shows the review when the page is reloaded.
 */
export async function deliverDrillReview(deps: CoachDeps, row: ClaimedAiReview): Promise<void> {
  if (row.subject.kind !== "drill") return;
  const { attemptId, userRef } = row.subject;
  const [platform, workspaceId] = userRef.split(":");
  if (platform !== "slack" && platform !== "discord") return;
  const [attempt, review] = await Promise.all([deps.repos.drills.getAttempt(attemptId), deps.repos.aiReviews.forDrill(attemptId)]);
  const question = attempt && (await deps.repos.questions.get(attempt.questionId));
  if (!attempt || !question || review?.status !== "scored") return;
  await deps.messenger.send(
    // A DM needs only the user; Slack refs carry the workspace, Discord's do not need one.
    { kind: "user", cohort: { platform, workspaceId: platform === "slack" ? (workspaceId ?? "") : "", channelId: "" }, userRef },
    { kind: "drill-ai-review", attemptId, company: question.company, questionPrompt: question.prompt, comparison: drillComparison(question, attempt.ratings, review) },
    `drill:${attemptId}:ai-review`,
  );
}

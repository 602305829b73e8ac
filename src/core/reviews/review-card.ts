import type { CoachDeps } from "../deps.ts";
import type { ReviewCard } from "../messages.ts";
import type { ReviewContext } from "../ports.ts";

type PeerSummary = ReadonlyMap<string, { readonly mean: number; readonly count: number }>;

/**
 * The reviewer's view of one assignment: the answer without its author, and their clicks
 * so far. Built from a context already read, so a click that changed a score renders
 * it without reading the assignment again.
 */
export function reviewCardFrom(context: ReviewContext, peers: PeerSummary = new Map()): ReviewCard | undefined {
  const { assignment, prompt, question } = context;
  if (!question) return undefined;
  return {
    assignmentId: assignment.id,
    promptId: prompt.id,
    company: question.company,
    questionPrompt: question.prompt,
    answerText: context.answerBody,
    followUp: context.followUp?.body ? { question: context.followUp.question, answer: context.followUp.body } : undefined,
    criteria: question.rubric.criteria.map((c) => ({ id: c.id, label: c.label, levels: c.levels, chosen: context.scores.get(c.id), peers: peers.get(c.id) })),
    comment: assignment.comment,
    submitted: assignment.submittedAt !== null,
    reviewsCloseAt: prompt.reviewsCloseAt,
    timeZone: context.timeZone,
  };
}

/** The card with the other reviewers' scores, which a reviewer sees only once they submitted. */
export async function reviewCardWithPeers(deps: CoachDeps, context: ReviewContext): Promise<ReviewCard | undefined> {
  const submitted = context.assignment.submittedAt !== null;
  return reviewCardFrom(context, submitted ? await deps.repos.reviews.peerScores(context.assignment.id) : undefined);
}

export async function buildReviewCard(deps: CoachDeps, assignmentId: number): Promise<ReviewCard | undefined> {
  const context = await deps.repos.reviews.context(assignmentId);
  return context && reviewCardWithPeers(deps, context);
}

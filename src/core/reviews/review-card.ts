import type { CoachDeps } from "../deps.ts";
import type { ReviewCard } from "../messages.ts";
import type { ReviewAssignment } from "../prompts/types.ts";

/** The reviewer's view of one assignment: the answer without its author, and their clicks so far. */
export async function buildReviewCard(deps: CoachDeps, assignmentId: number): Promise<ReviewCard | undefined> {
  const assignment = await deps.repos.reviews.get(assignmentId);
  if (!assignment) return undefined;
  const answer = await deps.repos.answers.get(assignment.answerId);
  const prompt = await deps.repos.prompts.get(assignment.promptId);
  if (!answer || !prompt) return undefined;
  const [question, cohort, scores, followUp] = await Promise.all([
    deps.repos.questions.get(prompt.questionId),
    deps.repos.cohorts.get(prompt.cohortId),
    deps.repos.reviews.scores(assignment.id),
    deps.repos.followUps.get(answer.id),
  ]);
  if (!question || !cohort) return undefined;
  const submitted = assignment.submittedAt !== null;
  const peers = submitted ? await peerScores(deps, assignment) : new Map<string, number[]>();
  return {
    assignmentId: assignment.id,
    promptId: prompt.id,
    company: question.company,
    questionPrompt: question.prompt,
    answerText: answer.body,
    followUp: followUp?.body ? { question: followUp.question, answer: followUp.body } : undefined,
    criteria: question.rubric.criteria.map((c) => ({ id: c.id, label: c.label, levels: c.levels, chosen: scores.get(c.id), peers: summary(peers.get(c.id)) })),
    comment: assignment.comment,
    submitted,
    reviewsCloseAt: prompt.reviewsCloseAt,
    timeZone: cohort.timeZone,
  };
}

/** Scores by criterion from the other reviewers of the same answer who have submitted. */
async function peerScores(deps: CoachDeps, assignment: ReviewAssignment): Promise<Map<string, number[]>> {
  const others = (await deps.repos.reviews.forPrompt(assignment.promptId)).filter(
    (a) => a.answerId === assignment.answerId && a.id !== assignment.id && a.submittedAt !== null,
  );
  const byCriterion = new Map<string, number[]>();
  for (const scores of await Promise.all(others.map((a) => deps.repos.reviews.scores(a.id)))) {
    for (const [criterionId, score] of scores) byCriterion.set(criterionId, [...(byCriterion.get(criterionId) ?? []), score]);
  }
  return byCriterion;
}

const summary = (scores: readonly number[] | undefined) =>
  scores && scores.length > 0 ? { mean: scores.reduce((sum, s) => sum + s, 0) / scores.length, count: scores.length } : undefined;

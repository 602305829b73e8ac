import type { CoachDeps } from "../deps.ts";
import type { ReviewCard } from "../messages.ts";

/** The reviewer's view of one assignment: the answer without its author, and their clicks so far. */
export async function buildReviewCard(deps: CoachDeps, assignmentId: number): Promise<ReviewCard | undefined> {
  const assignment = await deps.repos.reviews.get(assignmentId);
  if (!assignment) return undefined;
  const answer = await deps.repos.answers.get(assignment.answerId);
  const prompt = await deps.repos.prompts.get(assignment.promptId);
  if (!answer || !prompt) return undefined;
  const [question, cohort, scores] = await Promise.all([
    deps.repos.questions.get(prompt.questionId),
    deps.repos.cohorts.get(prompt.cohortId),
    deps.repos.reviews.scores(assignment.id),
  ]);
  if (!question || !cohort) return undefined;
  return {
    assignmentId: assignment.id,
    promptId: prompt.id,
    company: question.company,
    questionPrompt: question.prompt,
    answerText: answer.body,
    criteria: question.rubric.criteria.map((c) => ({ id: c.id, label: c.label, levels: c.levels, chosen: scores.get(c.id) })),
    comment: assignment.comment,
    submitted: assignment.submittedAt !== null,
    reviewsCloseAt: prompt.reviewsCloseAt,
    timeZone: cohort.timeZone,
  };
}

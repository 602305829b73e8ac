import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import { aiFeedback } from "../ai/feedback.ts";
import { describeCalibration, type AiFeedback, type AuthorFeedback } from "../messages.ts";
import type { Answer, CriterionResult, Prompt, ReviewAssignment } from "../prompts/types.ts";
import type { Question } from "../questions/types.ts";

/** What an author is told about one answer: consensus per criterion, anonymous comments, the outline. */
export function authorFeedback(
  prompt: Prompt,
  question: Question | undefined,
  answer: Answer,
  results: readonly CriterionResult[],
  assignments: readonly ReviewAssignment[],
  ai?: AiFeedback,
): AuthorFeedback {
  const submitted = assignments.filter((a) => a.answerId === answer.id && a.submittedAt !== null);
  return {
    promptId: prompt.id,
    company: question?.company ?? "",
    questionPrompt: question?.prompt ?? "",
    criteria: (question?.rubric.criteria ?? []).flatMap((c) => {
      const r = results.find((x) => x.criterionId === c.id);
      return r ? [{ id: c.id, label: c.label, score: r.score, uncertainty: r.uncertainty, reviews: r.gradeCount }] : [];
    }),
    comments: submitted.map((a) => a.comment).filter((c): c is string => c !== null && c !== ""),
    outline: question?.outline ?? [],
    ...(ai ? { ai } : {}),
  };
}

/** A member asking again for their feedback on a closed question (Discord's "My feedback" button). */
export async function myFeedback(deps: CoachDeps, promptId: number, userRef: string): Promise<AuthorFeedback> {
  const { repos } = deps;
  const prompt = await repos.prompts.get(promptId);
  if (!prompt) throw new CoachingError("no-prompt", "That question no longer exists.");
  const steps = await repos.prompts.steps(promptId);
  if (steps.get("close") !== "done") throw new CoachingError("feedback-not-ready", "Feedback is ready once reviews close.");
  const answer = await repos.answers.find(promptId, userRef);
  if (!answer || answer.withdrawnAt !== null) throw new CoachingError("no-answer", "You did not answer this question, so there is no feedback for you.");
  const [question, results, assignments] = await Promise.all([repos.questions.get(prompt.questionId), repos.reviews.results(answer.id), repos.reviews.forPrompt(promptId)]);
  // Only a bot with an AI reviewer looks for one: without it this path runs exactly as before.
  const review = deps.ai ? await repos.aiReviews.forAnswer(answer.id) : undefined;
  let ai: AiFeedback | undefined;
  if (review?.status === "scored") {
    const calibration = await repos.aiReviews.calibration(prompt.cohortId, review.model);
    const peers = assignments.filter((a) => a.answerId === answer.id && a.submittedAt !== null).length;
    ai = aiFeedback(question, review, peers, describeCalibration(calibration.peerGrades, calibration.bias));
  }
  return authorFeedback(prompt, question, answer, results, assignments, ai);
}

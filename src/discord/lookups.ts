import type { Coach } from "../core/coach.ts";
import type { AuthorFeedback } from "../core/messages.ts";
import type { Prompt } from "../core/prompts/types.ts";
import { CoachingError } from "../core/errors.ts";

/**
 * Read-only views the Coach facade does not offer yet (asked for in the adapter's
 * hand-off notes: Coach.feedback, Coach.drillCriteria, Coach.openPrompts). They only
 * read repositories and make no decisions, so no rule lives here.
 */

/** The "My feedback" button: the presser's scores, comments and the outline of one closed prompt. */
export async function authorFeedback(coach: Coach, promptId: number, userRef: string): Promise<AuthorFeedback> {
  const { repos } = coach.deps;
  const prompt = await repos.prompts.get(promptId);
  if (!prompt) throw new CoachingError("no-prompt", "That question no longer exists.");
  const steps = await repos.prompts.steps(promptId);
  if (steps.get("close") !== "done") throw new CoachingError("reviews-not-open", "Feedback is ready once reviews close.");
  const answer = await repos.answers.find(promptId, userRef);
  if (!answer || answer.withdrawnAt !== null) throw new CoachingError("no-prompt", "You did not answer this question, so there is no feedback for you.");
  const [question, results, assignments] = await Promise.all([repos.questions.get(prompt.questionId), repos.reviews.results(answer.id), repos.reviews.forPrompt(promptId)]);
  return {
    promptId,
    company: question?.company ?? "",
    questionPrompt: question?.prompt ?? "",
    criteria: (question?.rubric.criteria ?? []).flatMap((c) => {
      const r = results.find((x) => x.criterionId === c.id);
      return r ? [{ id: c.id, label: c.label, score: r.score, uncertainty: r.uncertainty, reviews: r.gradeCount }] : [];
    }),
    comments: assignments.filter((a) => a.answerId === answer.id && a.submittedAt !== null && a.comment).map((a) => a.comment!),
    outline: question?.outline ?? [],
  };
}

/** Criterion ids of a drill attempt's rubric, in display order; only its owner may ask. */
export async function drillCriteria(coach: Coach, attemptId: number, userRef: string): Promise<readonly string[]> {
  const { repos } = coach.deps;
  const attempt = await repos.drills.getAttempt(attemptId);
  const question = attempt && attempt.userRef === userRef ? await repos.questions.get(attempt.questionId) : undefined;
  if (!question) throw new CoachingError("unknown-drill", "That drill belongs to someone else or has expired. Start a new one with /drill.");
  return question.rubric.criteria.map((c) => c.id);
}

/** Discord prompts still taking answers: the ones whose threads are worth re-reading after an outage. */
export async function openDiscordPrompts(coach: Coach): Promise<readonly Prompt[]> {
  const now = coach.deps.clock.now();
  const unfinished = await coach.deps.repos.prompts.unfinished();
  return unfinished.filter((p) => p.threadRef?.startsWith("discord:thread:") && p.answersCloseAt > now);
}

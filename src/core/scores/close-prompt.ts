import type { Cohort } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import { aiFeedback, peerResults } from "../ai/feedback.ts";
import { describeCalibration, type AuthorFeedback, type CoachMessage, type TopAnswer } from "../messages.ts";
import type { CloseInputs, StoredAiReview } from "../ports.ts";
import { qualityEntry } from "../points/awards.ts";
import type { Answer, CriterionResult, Prompt, ReviewAssignment } from "../prompts/types.ts";
import { type CriterionFits, planClose } from "./reviewer-params.ts";
import { authorFeedback } from "./feedback.ts";

const TOP_ANSWERS = 3;

type ResultsMessage = Extract<CoachMessage, { kind: "results" }>;

export interface CloseOutcome {
  readonly summary: Omit<ResultsMessage, "nextPostAt" | "timeZone">;
  readonly feedback: readonly { readonly userRef: string; readonly feedback: AuthorFeedback }[];
}

/** Each answer's corrected per-criterion results from the fits; answers nobody graded get none. */
export function resultsFor(fits: CriterionFits, answers: readonly Answer[]): Map<number, CriterionResult[]> {
  const results = new Map<number, CriterionResult[]>(answers.map((a) => [a.id, []]));
  for (const [criterionId, fit] of fits) {
    for (const answer of answers) {
      const estimate = fit.answers.get(String(answer.id));
      if (!estimate) continue;
      results.get(answer.id)!.push({
        criterionId,
        score: estimate.score,
        uncertainty: estimate.uncertainty,
        plainMean: estimate.plainMean,
        gradeCount: estimate.gradeCount,
      });
    }
  }
  return results;
}

/** An answer's overall score: the mean of its corrected per-criterion scores. */
export const overallScore = (results: readonly CriterionResult[]) => results.reduce((sum, r) => sum + r.score, 0) / results.length;

/** Peer reviews submitted per answer. */
const submittedPerAnswer = (assignments: readonly ReviewAssignment[]) => {
  const counts = new Map<number, number>();
  for (const a of assignments) if (a.submittedAt !== null) counts.set(a.answerId, (counts.get(a.answerId) ?? 0) + 1);
  return counts;
};

/** The prompt's AI reviews, read only when an AI reviewer is or was in play. */
async function aiReviewsOf(deps: CoachDeps, cohort: Cohort, promptId: number): Promise<ReadonlyMap<number, StoredAiReview>> {
  return deps.ai || cohort.aiEnabled ? deps.repos.aiReviews.forPrompt(promptId) : new Map();
}

/** The results to store per answer: the fits, except that an answer no peer graded gets none (see peerResults). */
function peerScored(fits: CriterionFits, answers: readonly Answer[], peers: ReadonlyMap<number, number>, aiReviews: ReadonlyMap<number, StoredAiReview>) {
  const fitted = resultsFor(fits, answers);
  return new Map(answers.map((a) => [a.id, peerResults(fitted.get(a.id) ?? [], peers.get(a.id) ?? 0, aiReviews.get(a.id))]));
}

/** The results to store for each answer of a prompt from the fits, for a refit outside the close. */
export async function storedResults(deps: CoachDeps, cohort: Cohort, fits: CriterionFits, prompt: Prompt, answers: readonly Answer[]) {
  const [assignments, aiReviews] = await Promise.all([deps.repos.reviews.forPrompt(prompt.id), aiReviewsOf(deps, cohort, prompt.id)]);
  return { results: peerScored(fits, answers, submittedPerAnswer(assignments), aiReviews) };
}

/**
 * Scores every answer of the prompt with reviewer bias, scale and reliability corrected (the
 * reviewers' parameters carry the cohort's whole review history per criterion, so a reviewer
 * who was harsh last week is corrected today, at the cost of this prompt's grades), and stores
 * the results, the reviewers' parameters and the quality points
 * in a fixed number of statements whatever the cohort's size. A retried close (the state
 * already folds this prompt in and its results are stored) reuses the stored results, so it
 * changes nothing.
 */
async function scoreAndStore(
  deps: CoachDeps,
  cohort: Cohort,
  prompt: Prompt,
  answers: readonly Answer[],
  peers: ReadonlyMap<number, number>,
  aiReviews: ReadonlyMap<number, StoredAiReview>,
  inputs: CloseInputs,
  now: Date,
): Promise<ReadonlyMap<number, readonly CriterionResult[]>> {
  const retried = inputs.scored && inputs.state !== undefined && prompt.id <= inputs.state.foldedThroughPromptId;
  const awardsOf = (results: ReadonlyMap<number, readonly CriterionResult[]>) =>
    answers.flatMap((answer) => {
      const answerResults = results.get(answer.id) ?? [];
      return answerResults.length === 0 ? [] : [qualityEntry(prompt, answer.userRef, answer.id, overallScore(answerResults))];
    });
  if (retried) {
    const results = await deps.repos.reviews.promptResults(prompt.id);
    await deps.repos.points.awardMany(awardsOf(results), now);
    return results;
  }
  const { fits, scoring, rescored } = await planClose(deps, cohort.id, prompt.id, inputs);
  const results = peerScored(fits, answers, peers, aiReviews);
  // The awards go beside the close's writes, not after them: PostgreSQL runs them on separate
  // connections and cores (PGlite takes them in turn). Awards are idempotent by source, so
  // whichever write fails or is cut short, the retry awards each answer once: when the results
  // were stored and the state moved, the retry reuses them and awards what is missing; when the
  // state did not move, it fits the same inputs again to the same results; when only the state
  // moved, it refits, and an answer already awarded keeps the points of the first attempt's
  // score (a rare crash, a score a few hundredths apart). Both settle before the close fails,
  // so a retry never starts beside a write still running.
  const writes = await Promise.allSettled([deps.repos.reviews.saveClose(cohort.id, results, scoring), deps.repos.points.awardMany(awardsOf(results), now)]);
  const [saved] = writes;
  const failed = writes.find((w) => w.status === "rejected");
  if (failed) throw failed.reason;
  // Only a close whose refit was stored rescores: one that lost its state to another writer leaves it to the next refit.
  if (saved.status === "fulfilled" && saved.value && rescored) await deps.repos.reviews.rescoreResults(rescored);
  return results;
}

export async function closePrompt(deps: CoachDeps, cohort: Cohort, prompt: Prompt): Promise<CloseOutcome> {
  const now = deps.clock.now();
  // From here on the queue refuses this prompt's AI scores, so the close and every later refit see the same ones.
  if (deps.ai || cohort.aiEnabled) await deps.repos.aiReviews.expirePrompt(prompt.id);
  const [answers, assignments, members, question, aiReviews, inputs] = await Promise.all([
    deps.repos.answers.active(prompt.id),
    deps.repos.reviews.forPrompt(prompt.id),
    deps.repos.members.list(cohort.id),
    deps.repos.questions.get(prompt.questionId),
    aiReviewsOf(deps, cohort, prompt.id),
    deps.repos.reviews.closeInputs(cohort.id, prompt.id),
  ]);
  const peers = submittedPerAnswer(assignments);
  const results = await scoreAndStore(deps, cohort, prompt, answers, peers, aiReviews, inputs, now);
  const overall = new Map<number, number>();
  for (const answer of answers) {
    const answerResults = results.get(answer.id) ?? [];
    if (answerResults.length > 0) overall.set(answer.id, overallScore(answerResults));
  }
  const scoredBy = [...aiReviews.values()].find((r) => r.status === "scored")?.model;
  const calibration = scoredBy ? await deps.repos.aiReviews.calibration(cohort.id, scoredBy) : undefined;
  const calibrationText = calibration ? describeCalibration(calibration.peerGrades, calibration.bias) : "";

  const membersByRef = new Map(members.map((m) => [m.userRef, m]));
  const ranked = answers.filter((a) => overall.has(a.id)).sort((a, b) => overall.get(b.id)! - overall.get(a.id)! || a.id - b.id);
  const top: TopAnswer[] = ranked.slice(0, TOP_ANSWERS).map((answer, i) => {
    const member = membersByRef.get(answer.userRef);
    const named = member?.showInResults ?? false;
    return { rank: i + 1, displayName: named ? member?.displayName : undefined, userRef: named ? answer.userRef : undefined, score: overall.get(answer.id)! };
  });

  // Grouped once: filtering every assignment for every answer is quadratic in the cohort.
  const assignmentsByAnswer = new Map<number, ReviewAssignment[]>();
  for (const a of assignments) {
    let list = assignmentsByAnswer.get(a.answerId);
    if (!list) assignmentsByAnswer.set(a.answerId, (list = []));
    list.push(a);
  }
  const feedback = answers.map((answer) => ({
    userRef: answer.userRef,
    feedback: authorFeedback(prompt, question, answer, results.get(answer.id) ?? [], assignmentsByAnswer.get(answer.id) ?? [], aiFeedback(question, aiReviews.get(answer.id), peers.get(answer.id) ?? 0, calibrationText)),
  }));

  return {
    summary: {
      kind: "results",
      promptId: prompt.id,
      answerCount: answers.length,
      memberCount: members.length,
      reviewsSubmitted: assignments.filter((a) => a.submittedAt !== null).length,
      reviewsAssigned: assignments.length,
      top,
    },
    feedback,
  };
}

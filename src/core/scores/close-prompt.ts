import type { Cohort } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import type { AuthorFeedback, CoachMessage, TopAnswer } from "../messages.ts";
import { awardQuality } from "../points/awards.ts";
import type { CriterionResult, Prompt } from "../prompts/types.ts";
import { fitBiasModel } from "./bias-model.ts";
import { authorFeedback } from "./feedback.ts";

const TOP_ANSWERS = 3;

type ResultsMessage = Extract<CoachMessage, { kind: "results" }>;

export interface CloseOutcome {
  readonly summary: Omit<ResultsMessage, "nextPostAt" | "timeZone">;
  readonly feedback: readonly { readonly userRef: string; readonly feedback: AuthorFeedback }[];
}

/**
 * Scores every answer of the prompt with reviewer bias and reliability corrected.
 * The model sees the cohort's whole review history per criterion, so a reviewer who
 * was harsh last week is corrected today.
 */
export async function scorePrompt(deps: CoachDeps, cohort: Cohort, prompt: Prompt): Promise<Map<number, CriterionResult[]>> {
  const answers = await deps.repos.answers.active(prompt.id);
  const grades = await deps.repos.reviews.cohortGrades(cohort.id);
  const byCriterion = new Map<string, typeof grades[number][]>();
  for (const grade of grades) byCriterion.set(grade.criterionId, [...(byCriterion.get(grade.criterionId) ?? []), grade]);
  const results = new Map<number, CriterionResult[]>(answers.map((a) => [a.id, []]));
  for (const [criterionId, criterionGrades] of byCriterion) {
    const fit = fitBiasModel(criterionGrades.map((g) => ({ answerId: String(g.answerId), reviewerId: g.reviewerRef, score: g.score })));
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

export async function closePrompt(deps: CoachDeps, cohort: Cohort, prompt: Prompt): Promise<CloseOutcome> {
  const now = deps.clock.now();
  const [answers, assignments, members, question] = await Promise.all([
    deps.repos.answers.active(prompt.id),
    deps.repos.reviews.forPrompt(prompt.id),
    deps.repos.members.list(cohort.id),
    deps.repos.questions.get(prompt.questionId),
  ]);
  const results = await scorePrompt(deps, cohort, prompt);
  const overall = new Map<number, number>();
  for (const answer of answers) {
    const answerResults = results.get(answer.id) ?? [];
    await deps.repos.reviews.saveResults(answer.id, answerResults);
    if (answerResults.length === 0) continue;
    const score = overallScore(answerResults);
    overall.set(answer.id, score);
    await awardQuality(deps, prompt, answer.userRef, answer.id, score, now);
  }

  const membersByRef = new Map(members.map((m) => [m.userRef, m]));
  const ranked = answers.filter((a) => overall.has(a.id)).sort((a, b) => overall.get(b.id)! - overall.get(a.id)! || a.id - b.id);
  const top: TopAnswer[] = ranked.slice(0, TOP_ANSWERS).map((answer, i) => {
    const member = membersByRef.get(answer.userRef);
    const named = member?.showInResults ?? false;
    return { rank: i + 1, displayName: named ? member?.displayName : undefined, userRef: named ? answer.userRef : undefined, score: overall.get(answer.id)! };
  });

  const feedback = answers.map((answer) => ({
    userRef: answer.userRef,
    feedback: authorFeedback(prompt, question, answer, results.get(answer.id) ?? [], assignments),
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

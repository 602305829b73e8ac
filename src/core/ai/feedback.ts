import type { AiFeedback } from "../messages.ts";
import type { StoredAiReview } from "../ports.ts";
import type { CriterionResult } from "../prompts/types.ts";
import type { Question } from "../questions/types.ts";

/**
 * An answer's corrected results as the author and the boards see them. The fit counts the
 * AI as one more reviewer, but an answer only the AI graded gets no corrected score (and so
 * no quality points from a machine alone), and "reviews" counts people.
 */
export function peerResults(results: readonly CriterionResult[], peerReviews: number, ai: StoredAiReview | undefined): CriterionResult[] {
  if (peerReviews === 0) return [];
  if (ai?.status !== "scored") return [...results];
  const aiScores = new Map(ai.scores.map((s) => [s.criterionId, s.score]));
  return results.map((r) => {
    const score = aiScores.get(r.criterionId);
    if (score === undefined || r.gradeCount < 2) return r;
    return { ...r, gradeCount: r.gradeCount - 1, plainMean: (r.plainMean * r.gradeCount - score) / (r.gradeCount - 1) };
  });
}

/** The AI's scores with its reasons, for the author; undefined when it did not score the answer in time. */
export function aiFeedback(question: Question | undefined, review: StoredAiReview | undefined, peerReviews: number, calibration: string): AiFeedback | undefined {
  if (review?.status !== "scored" || review.scores.length === 0) return undefined;
  const labels = new Map((question?.rubric.criteria ?? []).map((c, i) => [c.id, { label: c.label, order: i }]));
  const criteria = [...review.scores]
    .sort((a, b) => (labels.get(a.criterionId)?.order ?? 99) - (labels.get(b.criterionId)?.order ?? 99))
    .map((s) => ({ id: s.criterionId, label: labels.get(s.criterionId)?.label ?? s.criterionId, score: s.score, justification: s.justification }));
  return { model: review.model, criteria, uncorrected: peerReviews === 0, calibration };
}

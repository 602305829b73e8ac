import { setImmediate as nextTurn } from "node:timers/promises";
import type { CoachDeps } from "../deps.ts";
import type { AuthorParams, CloseInputs, Grade, ResultEstimate, ReviewerParams, ScoringState, ScoringUpdate } from "../ports.ts";
import { type AuthorStats, type BiasModelFit, fitBiasModelAsync, type ReviewerStats } from "./bias-model.ts";

/** Per criterion, the model's fit. */
export type CriterionFits = ReadonlyMap<string, BiasModelFit>;

// Past answers keep the estimates they had when their close folded them into the sums; a
// refit from scratch brings them up to date. Early on each day's grades change the reviewers'
// picture a lot, so refits come often (every close for the first five, then after a quarter
// of the closes so far: a refit reads about four closes' worth of grades per close on
// average), and at least every seventh close once the history is long. On a synthetic 30-day
// cohort the scores at close then differ from a full refit's by 0.005 points at the median
// and 0.045 at the 90th percentile (tests/core/scores/reviewer-params.test.ts). The authors'
// sums follow the same schedule: a refit recomputes them from the refitted answers.
const MAX_CLOSES_BETWEEN_REFITS = 7;
const REFIT_HISTORY_FRACTION = 0.25;

export function refitDue(state: ScoringState | undefined, promptId: number): boolean {
  // A close arriving out of order (or retried after its state was saved) cannot be folded on top.
  if (state === undefined || promptId <= state.foldedThroughPromptId) return true;
  const interval = Math.min(MAX_CLOSES_BETWEEN_REFITS, Math.max(1, Math.ceil(state.closesAtRefit * REFIT_HISTORY_FRACTION)));
  return state.closes + 1 - state.closesAtRefit >= interval;
}

/**
 * A close's fit stops once no estimate moves by more than this in a sweep (a refit keeps the
 * model's default, 1e-5). On a 500-member close with 30 days of history its scores are then
 * within 3e-4 of a fit run to 1e-13 (1e-5: within 3e-5), members see one decimal, and it takes
 * 106 sweeps over the four criteria instead of 141; a refit replaces the sums within a week.
 */
const FOLD_TOLERANCE = 1e-4;

/** Fits each criterion separately, starting every reviewer from `history` and every author from `authorHistory` (both empty for a refit). */
export async function fitByCriterion(grades: readonly Grade[], history: readonly ReviewerParams[], authorHistory: readonly AuthorParams[], tolerance?: number): Promise<CriterionFits> {
  const gradesByCriterion = new Map<string, { answerIds: string[]; reviewerIds: string[]; scores: number[] }>();
  const authors = new Map<string, string>();
  // Grades come in runs on one answer (a close's by answer, a refit's by assignment): the
  // answer's id is turned into a string once per run, not once per grade.
  let lastAnswer: number | undefined;
  let answerId = "";
  for (let i = 0; i < grades.length; i++) {
    // A refit groups over 100,000 grades, and the read before it has just parsed them: hand the event loop back every few milliseconds.
    if (i % 5_000 === 0) await nextTurn();
    const g = grades[i]!;
    let columns = gradesByCriterion.get(g.criterionId);
    if (!columns) gradesByCriterion.set(g.criterionId, (columns = { answerIds: [], reviewerIds: [], scores: [] }));
    if (g.answerId !== lastAnswer) {
      lastAnswer = g.answerId;
      answerId = String(g.answerId);
      authors.set(answerId, g.authorRef);
    }
    columns.answerIds.push(answerId);
    columns.reviewerIds.push(g.reviewerRef);
    columns.scores.push(g.score);
  }
  const historyByCriterion = new Map<string, Map<string, ReviewerStats>>();
  for (const p of history) {
    let map = historyByCriterion.get(p.criterionId);
    if (!map) historyByCriterion.set(p.criterionId, (map = new Map()));
    map.set(p.reviewerRef, p.stats);
  }
  const authorHistoryByCriterion = new Map<string, Map<string, AuthorStats>>();
  for (const p of authorHistory) {
    let map = authorHistoryByCriterion.get(p.criterionId);
    if (!map) authorHistoryByCriterion.set(p.criterionId, (map = new Map()));
    map.set(p.authorRef, p.stats);
  }
  const fits = new Map<string, BiasModelFit>();
  // Criteria in a fixed order, so logs and ties never depend on the database's row order.
  for (const criterionId of [...gradesByCriterion.keys()].sort()) {
    // Each fit gives the loop back every slice, but only from within: without this, one fit's last slice and the next one's first ran as one block.
    await nextTurn();
    fits.set(
      criterionId,
      await fitBiasModelAsync(gradesByCriterion.get(criterionId)!, {
        history: historyByCriterion.get(criterionId),
        authors,
        authorHistory: authorHistoryByCriterion.get(criterionId),
        tolerance,
      }),
    );
  }
  return fits;
}

/** A close's fit: the prompt's grades on top of the reviewers' and authors' stored sums. */
export const fitOnHistory = (grades: readonly Grade[], history: readonly ReviewerParams[], authorHistory: readonly AuthorParams[]) =>
  fitByCriterion(grades, history, authorHistory, FOLD_TOLERANCE);

/** What to store about the reviewers and authors the fits saw, moving the state from `expected` to `next`. */
export function scoringUpdateOf(fits: CriterionFits, expected: ScoringState | undefined, next: ScoringState, replace: boolean): ScoringUpdate {
  const params = [...fits].flatMap(([criterionId, fit]) =>
    [...fit.reviewers.values()].map((r) => ({ criterionId, reviewerRef: r.reviewerId, bias: r.bias, scale: r.scale, reliability: r.reliability, stats: r.stats })),
  );
  const authors = [...fits].flatMap(([criterionId, fit]) => [...fit.authors.values()].map((a) => ({ criterionId, authorRef: a.authorId, stats: a.stats })));
  return { expected, next, params, authors, replace };
}

/**
 * A refit's estimates for every answer it saw outside prompt `except` (whose close stores its
 * results whole), for rescoreResults: each member's answers together, so that a statement's
 * rows move the quality rows of a few members rather than a little of everyone's.
 */
export async function pastEstimates(fits: CriterionFits, grades: readonly Grade[], except?: number): Promise<Map<number, ResultEstimate[]>> {
  const authorOf = new Map<number, string>();
  for (let i = 0; i < grades.length; i++) {
    // A refit's history is over 100,000 grades: hand the event loop back every few milliseconds.
    if (i % 20_000 === 0) await nextTurn();
    const g = grades[i]!;
    if (g.promptId !== except) authorOf.set(g.answerId, g.authorRef);
  }
  await nextTurn();
  const byAuthor = [...authorOf].sort(([a, authorA], [b, authorB]) => (authorA < authorB ? -1 : authorA > authorB ? 1 : a - b));
  const estimates = new Map<number, ResultEstimate[]>();
  for (const [i, [answerId]] of byAuthor.entries()) {
    if (i % 2_000 === 0) await nextTurn();
    const list: ResultEstimate[] = [];
    for (const [criterionId, fit] of fits) {
      const estimate = fit.answers.get(String(answerId));
      if (estimate) list.push({ criterionId, score: estimate.score, uncertainty: estimate.uncertainty });
    }
    estimates.set(answerId, list);
  }
  return estimates;
}

/**
 * Fits the cohort's whole history through `throughPromptId` from scratch, stores the
 * reviewers' parameters in place of the old ones, and re-estimates every stored result with
 * the refit (see planClose).
 */
export async function refitCohort(deps: CoachDeps, cohortId: number, throughPromptId: number, state: ScoringState | undefined, closes: number): Promise<CriterionFits> {
  const grades = await deps.repos.reviews.cohortGrades(cohortId, throughPromptId);
  const fits = await fitByCriterion(grades, [], []);
  const next = { foldedThroughPromptId: throughPromptId, closes, closesAtRefit: closes };
  if (await deps.repos.reviews.saveReviewerParams(cohortId, scoringUpdateOf(fits, state, next, true))) {
    await deps.repos.reviews.rescoreResults(await pastEstimates(fits, grades));
  }
  return fits;
}

/** What a close computed: the fits, and what to store about the reviewers (nothing when nobody graded). */
export interface ClosePlan {
  readonly fits: CriterionFits;
  readonly scoring: ScoringUpdate | undefined;
  /** After a refit, its estimates for the earlier prompts' answers, to overwrite their stored scores with. */
  readonly rescored?: ReadonlyMap<number, readonly ResultEstimate[]>;
}

/**
 * The fits that score a prompt at close: its own grades on top of the reviewers' stored
 * parameters, or a refit from scratch when the schedule (or a missing state) says so.
 * Writes nothing: the caller stores `scoring` and the results (saveClose), and then
 * a refit's `rescored` estimates. An answer's score at its close used only the history up
 * to then; a refit knows each reviewer better, so the scores that rank members (the quality
 * board, /coach me, the export) take its estimates: on the scoring bench's synthetic cohorts
 * that is what brings the ranking's Kendall tau gain over the plain mean to +0.03 and more
 * (bench/RESULTS.md). What the author was told at close, and the points it earned, stay.
 */
export async function planClose(deps: CoachDeps, cohortId: number, promptId: number, inputs?: CloseInputs): Promise<ClosePlan> {
  const { grades, params, authors, state } = inputs ?? (await deps.repos.reviews.closeInputs(cohortId, promptId));
  if (grades.length === 0) return { fits: new Map(), scoring: undefined };
  const retried = state !== undefined && promptId <= state.foldedThroughPromptId;
  const closes = retried ? state.closes : (state?.closes ?? 0) + 1;
  if (refitDue(state, promptId)) {
    const through = Math.max(promptId, state?.foldedThroughPromptId ?? 0);
    const history = await deps.repos.reviews.cohortGrades(cohortId, through);
    const fits = await fitByCriterion(history, [], []);
    return {
      fits,
      scoring: scoringUpdateOf(fits, state, { foldedThroughPromptId: through, closes, closesAtRefit: closes }, true),
      rescored: await pastEstimates(fits, history, promptId),
    };
  }
  const fits = await fitOnHistory(grades, params, authors);
  return { fits, scoring: scoringUpdateOf(fits, state, { foldedThroughPromptId: promptId, closes, closesAtRefit: state!.closesAtRefit }, false) };
}

/** planClose, storing what it learned about the reviewers and authors, so the next close starts from it. */
export async function fitForClose(deps: CoachDeps, cohortId: number, promptId: number): Promise<CriterionFits> {
  const { fits, scoring } = await planClose(deps, cohortId, promptId);
  if (scoring) await deps.repos.reviews.saveReviewerParams(cohortId, scoring);
  return fits;
}

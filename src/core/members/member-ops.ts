import { requireCohort } from "../cohorts/manage-cohort.ts";
import type { Actor, CohortAddress } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import { qualityEntry, reverseQuality } from "../points/awards.ts";
import type { Prompt } from "../prompts/types.ts";
import { overallScore, storedResults } from "../scores/close-prompt.ts";
import { refitCohort } from "../scores/reviewer-params.ts";

export interface MyStats {
  readonly points: { readonly season: number; readonly all: number };
  readonly answers: number;
  readonly reviewsDone: number;
  readonly streak: number;
  readonly criteria: readonly { readonly id: string; readonly label: string; readonly average: number; readonly answers: number }[];
  readonly reviewOptIn: boolean;
}

/** A fixed handful of statements, each scoped to the cohort, however long the member's history. */
export async function myStats(deps: CoachDeps, address: CohortAddress, actor: Actor): Promise<MyStats> {
  const cohort = await requireCohort(deps, address);
  const [points, answers, reviewsDone, streak, criteria, member] = await Promise.all([
    deps.repos.points.totalsFor(cohort.id, actor.userRef, cohort.season),
    deps.repos.answers.countActive(cohort.id, actor.userRef),
    deps.repos.reviews.countSubmitted(cohort.id, actor.userRef),
    // Through the latest posted prompt, which is every posted prompt.
    deps.repos.answers.streak(cohort.id, actor.userRef),
    deps.repos.reviews.criterionAverages(cohort.id, actor.userRef),
    deps.repos.members.get(cohort.id, actor.userRef),
  ]);
  return { points, answers, reviewsDone, streak, criteria, reviewOptIn: member?.reviewOptIn ?? false };
}

export async function setReviewOptIn(deps: CoachDeps, address: CohortAddress, actor: Actor, optIn: boolean): Promise<void> {
  const cohort = await requireCohort(deps, address);
  await deps.repos.members.touch(cohort.id, actor.userRef, actor.displayName, deps.clock.now());
  await deps.repos.members.setReviewOptIn(cohort.id, actor.userRef, optIn);
}

export async function setShowInResults(deps: CoachDeps, address: CohortAddress, actor: Actor, show: boolean): Promise<void> {
  const cohort = await requireCohort(deps, address);
  await deps.repos.members.touch(cohort.id, actor.userRef, actor.displayName, deps.clock.now());
  await deps.repos.members.setShowInResults(cohort.id, actor.userRef, show);
}

/**
 * Deletes the member's answers, scores, comments, drills and points everywhere, then
 * re-scores the answers they had reviewed so their grades stop counting for others. Every
 * cohort whose stored reviewer parameters learned from the member is refitted without them.
 */
export async function forgetMe(deps: CoachDeps, actor: Pick<Actor, "userRef">): Promise<{ answers: number; reviews: number }> {
  const now = deps.clock.now();
  const reviewed = await deps.repos.reviews.forReviewer(actor.userRef);
  const answered = await deps.repos.answers.forUser(actor.userRef);
  const deletedAnswers = await deps.repos.answers.deleteForUser(actor.userRef);
  const deletedReviews = await deps.repos.reviews.deleteForReviewer(actor.userRef);
  await deps.repos.points.deleteForUser(actor.userRef);
  await deps.repos.drills.deleteForUser(actor.userRef);
  await deps.repos.members.forget(actor.userRef);

  const rescored = new Set(reviewed.map((r) => r.promptId));
  const closedByCohort = new Map<number, Prompt[]>();
  for (const promptId of new Set([...rescored, ...answered.map((a) => a.promptId)])) {
    const prompt = await deps.repos.prompts.get(promptId);
    if (!prompt) continue;
    const closed = closedByCohort.get(prompt.cohortId) ?? [];
    closedByCohort.set(prompt.cohortId, closed);
    if (rescored.has(promptId) && (await deps.repos.prompts.steps(promptId)).get("close") === "done") closed.push(prompt);
  }
  for (const [cohortId, closed] of closedByCohort) {
    if (closed.length === 0) {
      await deps.repos.reviews.dropReviewerParams(cohortId);
      continue;
    }
    const latest = Math.max(...closed.map((p) => p.id));
    const { state } = await deps.repos.reviews.closeInputs(cohortId, latest);
    const fits = await refitCohort(deps, cohortId, Math.max(latest, state?.foldedThroughPromptId ?? 0), state, state?.closes ?? 0);
    const cohort = await deps.repos.cohorts.get(cohortId);
    if (!cohort) continue;
    // A prompt's answers together: its results in one write, their quality points taken back
    // and given again from the new scores in one statement each, not three per answer.
    for (const prompt of closed) {
      const answers = await deps.repos.answers.active(prompt.id);
      const authorOf = new Map(answers.map((a) => [a.id, a.userRef]));
      const { results } = await storedResults(deps, cohort, fits, prompt, answers);
      await deps.repos.reviews.saveResults(results);
      await reverseQuality(deps, [...results.keys()], now);
      const awards = [...results].filter(([, scores]) => scores.length > 0).map(([answerId, scores]) => qualityEntry(prompt, authorOf.get(answerId)!, answerId, overallScore(scores)));
      await deps.repos.points.awardMany(awards, now);
    }
  }
  return { answers: deletedAnswers.length, reviews: deletedReviews.length };
}

import type { Cohort } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import type { LedgerEntry } from "../ports.ts";
import type { Prompt } from "../prompts/types.ts";

/** Point values in one place, so the README and the code cannot drift apart. */
export const POINTS = {
  answer: 10,
  /** Per consecutive posting day beyond the first, capped. */
  streakPerDay: 2,
  streakCap: 10,
  reviewOnTime: 5,
  /** Multiplied by the answer's mean corrected score (1-5). */
  qualityPerPoint: 2,
  drill: 2,
  drillsPerDay: 3,
} as const;

export const answerSource = (promptId: number, userRef: string) => `prompt:${promptId}:${userRef}`;

/** Consecutive prompts of the cohort, ending with `prompt`, that the member answered. */
export function streakAt(deps: CoachDeps, cohort: Cohort, prompt: Prompt, userRef: string): Promise<number> {
  return deps.repos.answers.streak(cohort.id, userRef, prompt.localDate);
}

export async function awardAnswer(deps: CoachDeps, cohort: Cohort, prompt: Prompt, userRef: string, now: Date): Promise<number> {
  const source = answerSource(prompt.id, userRef);
  const streak = await streakAt(deps, cohort, prompt, userRef);
  const entry = { cohortId: cohort.id, userRef, season: prompt.season, source, localDate: prompt.localDate };
  const bonus = Math.min((streak - 1) * POINTS.streakPerDay, POINTS.streakCap);
  await deps.repos.points.awardMany([{ ...entry, kind: "answer", points: POINTS.answer }, ...(streak >= 2 ? [{ ...entry, kind: "streak", points: bonus }] : [])], now);
  return streak;
}

export async function reverseAnswer(deps: CoachDeps, prompt: Prompt, userRef: string, now: Date): Promise<void> {
  const source = answerSource(prompt.id, userRef);
  await deps.repos.points.reverse("answer", source, now);
  await deps.repos.points.reverse("streak", source, now);
}

/** A submitted review; the assignment identifies it, so a double submit awards once. */
export async function awardReview(deps: CoachDeps, prompt: Prompt, reviewerRef: string, assignmentId: number, now: Date): Promise<void> {
  await deps.repos.points.award(
    { cohortId: prompt.cohortId, userRef: reviewerRef, season: prompt.season, kind: "review", source: `assignment:${assignmentId}`, points: POINTS.reviewOnTime, localDate: prompt.localDate },
    now,
  );
}

const qualitySource = (answerId: number) => `answer:${answerId}`;

/** The ledger entry for an answer's quality points, from its mean corrected score (1-5). */
export function qualityEntry(prompt: Prompt, userRef: string, answerId: number, score: number): LedgerEntry {
  return { cohortId: prompt.cohortId, userRef, season: prompt.season, kind: "quality", source: qualitySource(answerId), points: Math.round(score * POINTS.qualityPerPoint), localDate: prompt.localDate };
}

/** Takes back answers' quality points, by reversing entries, before they are scored again. */
export async function reverseQuality(deps: CoachDeps, answerIds: readonly number[], now: Date): Promise<void> {
  await deps.repos.points.reverseMany("quality", answerIds.map(qualitySource), now);
}

import { createHmac, randomBytes } from "node:crypto";
import type { CoachDeps } from "../deps.ts";
import { questionsById } from "../questions/lookup.ts";
import { CoachingError } from "../errors.ts";
import { leaderboard, type Leaderboard, type LeaderboardPeriod } from "../points/leaderboard.ts";
import { requireAdmin, requireCohort } from "./manage-cohort.ts";
import type { Actor, CohortAddress } from "./types.ts";

/**
 * A cohort's read-only web pages. The only way in is a link holding a random secret
 * (admins can rotate it); a member's copy also carries a key naming them as the viewer,
 * derived from the secret, so rotating invalidates those too. Answers never appear.
 */

export interface CohortLink {
  readonly url: string;
}

export interface CohortPage {
  readonly trackId: string;
  readonly timeZone: string;
  readonly leaderboard: Leaderboard;
  /** Answers per posted day, oldest first. */
  readonly participation: readonly { readonly localDate: string; readonly answers: number }[];
  /** Per criterion, the cohort's mean corrected score on each day that has results. */
  readonly criteria: readonly { readonly criterionId: string; readonly label: string; readonly points: readonly { readonly localDate: string; readonly mean: number }[] }[];
  /** Newest first. */
  readonly questions: readonly {
    readonly localDate: string;
    readonly company: string;
    readonly category: string;
    readonly prompt: string;
    readonly answers: number;
    /** Mean corrected score of the day's answers, when reviewed. */
    readonly mean: number | undefined;
  }[];
  readonly viewerKnown: boolean;
}

const ANONYMOUS = "A member (private)";

const newToken = () => randomBytes(18).toString("base64url");
const viewerKey = (token: string, userRef: string) => createHmac("sha256", token).update(userRef).digest("base64url").slice(0, 16);

const linkFor = (publicUrl: string, token: string, userRef: string) => `${publicUrl}/c/${token}?v=${viewerKey(token, userRef)}`;

/** Any member's link to their cohort's pages, made on first use. */
export async function cohortLink(deps: CoachDeps, publicUrl: string, address: CohortAddress, actor: Pick<Actor, "userRef">): Promise<CohortLink> {
  const cohort = await requireCohort(deps, address);
  const token = await deps.repos.cohorts.ensurePageToken(cohort.id, newToken());
  return { url: linkFor(publicUrl, token, actor.userRef) };
}

/** Admins only: a new secret, so every link handed out before stops working. */
export async function rotateCohortLink(deps: CoachDeps, publicUrl: string, address: CohortAddress, actor: Actor): Promise<CohortLink> {
  const cohort = await requireAdmin(deps, address, actor);
  const token = newToken();
  await deps.repos.cohorts.setPageToken(cohort.id, token);
  return { url: linkFor(publicUrl, token, actor.userRef) };
}

export async function cohortPage(deps: CoachDeps, input: { readonly token: string; readonly viewer: string | undefined; readonly period: LeaderboardPeriod }): Promise<CohortPage> {
  const cohort = input.token.length >= 16 ? await deps.repos.cohorts.findByPageToken(input.token) : undefined;
  if (!cohort) {
    throw new CoachingError("unknown-link", "This cohort link is not valid. It may have been replaced by a newer one: ask for the current link with /coach leaderboard.");
  }
  const members = await deps.repos.members.list(cohort.id);
  const viewer = input.viewer ? members.find((m) => viewerKey(input.token, m.userRef) === input.viewer) : undefined;
  const hidden = new Set(members.filter((m) => !m.showInResults && m.userRef !== viewer?.userRef).map((m) => m.userRef));
  const board = await leaderboard(deps, cohort, viewer?.userRef ?? "", input.period);
  const mask = <T extends { readonly userRef: string; readonly displayName: string }>(row: T): T => (hidden.has(row.userRef) ? { ...row, displayName: ANONYMOUS } : row);
  const prompts = await deps.repos.prompts.forCohort(cohort.id);
  const [counts, results] = await Promise.all([deps.repos.answers.countsByPrompt(cohort.id), deps.repos.reviews.cohortResults(cohort.id)]);
  const questions = await questionsById(deps, prompts.map((p) => p.questionId));
  const dateOf = new Map(prompts.map((p) => [p.id, p.localDate]));

  const byCriterion = new Map<string, Map<string, number[]>>();
  const byPrompt = new Map<number, number[]>();
  for (const r of results) {
    const date = dateOf.get(r.promptId)!;
    const days = byCriterion.get(r.criterionId) ?? new Map<string, number[]>();
    days.set(date, [...(days.get(date) ?? []), r.score]);
    byCriterion.set(r.criterionId, days);
    byPrompt.set(r.promptId, [...(byPrompt.get(r.promptId) ?? []), r.score]);
  }
  const labels = new Map(prompts.flatMap((p) => questions.get(p.questionId)?.rubric.criteria.map((c) => [c.id, c.label] as const) ?? []));
  const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const posted = prompts.filter((p) => p.messageRef !== null || counts.has(p.id));

  return {
    trackId: cohort.trackId,
    timeZone: cohort.timeZone,
    viewerKnown: viewer !== undefined,
    leaderboard: { ...board, top: board.top.map(mask), around: board.around.map(mask), me: board.me, quality: board.quality.map(mask) },
    participation: posted.map((p) => ({ localDate: p.localDate, answers: counts.get(p.id) ?? 0 })),
    criteria: [...byCriterion]
      .map(([criterionId, days]) => ({ criterionId, label: labels.get(criterionId) ?? criterionId, points: [...days].map(([localDate, scores]) => ({ localDate, mean: mean(scores) })) }))
      .sort((a, b) => a.label.localeCompare(b.label)),
    questions: posted
      .map((p) => {
        const question = questions.get(p.questionId);
        const scores = byPrompt.get(p.id);
        return {
          localDate: p.localDate,
          company: question?.company ?? "",
          category: question?.category.label ?? "",
          prompt: question?.prompt ?? "(question no longer in the bank)",
          answers: counts.get(p.id) ?? 0,
          mean: scores ? mean(scores) : undefined,
        };
      })
      .reverse(),
  };
}

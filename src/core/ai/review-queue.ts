import type { CoachDeps } from "../deps.ts";
import { drillFollowUpOf } from "../follow-ups/drill-follow-up.ts";
import type { CohortAddress } from "../cohorts/types.ts";
import type { ClaimedAiReview } from "../ports.ts";
import type { Question } from "../questions/types.ts";
import type { AiCriterionScore, AiReviewer } from "./port.ts";

/** The AI reviewer the bot was configured with, and how much each cohort may use it. */
export interface AiSettings {
  readonly reviewer: AiReviewer;
  /** AI_DAILY_CAP_PER_COHORT: calls a cohort (or a solo practitioner) may cause per UTC day. */
  readonly dailyCapPerCohort: number;
  /** How long a claimed row is this worker's; see aiLeaseMs. Defaults to AI_LEASE_MS. */
  readonly leaseMs?: number;
}

/** The least a worker holds a claimed row, whatever the client's timeout. */
export const AI_LEASE_MS = 5 * 60_000;

/**
 * A review makes at most three calls (a structured-output fallback and one retry of
 * unparseable output), each up to the per-call timeout; the lease outlasts all three with
 * a margin for the database, or a slow AI_TIMEOUT_MS would let a second worker claim a row
 * still being reviewed and pay for it twice.
 */
export function aiLeaseMs(callTimeoutMs: number): number {
  return Math.max(AI_LEASE_MS, 3 * callTimeoutMs + 60_000);
}
/** Rows claimed per statement, and at most this many statements per drain: a drain's work is bounded. */
const AI_BATCH = 8;
const AI_BATCHES_PER_DRAIN = 4;
/** Calls in flight at once; the client's per-minute budget is the real pace. */
const AI_CONCURRENCY = 4;
/** Tries against a failing endpoint before the review is given up and the admins told. */
export const AI_MAX_ATTEMPTS = 3;
const RATE_LIMIT_PAUSE_MS = 60_000;
const RETRY_AFTER_MS = [60_000, 5 * 60_000];

export interface AiDrainReport {
  readonly scored: number;
  readonly retried: number;
  readonly gaveUp: number;
  readonly capped: number;
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const nextUtcDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));

/** The scores the rubric knows, each once, whole points 1-5; anything else the model said is ignored. */
export function rubricScores(question: Question, scores: readonly AiCriterionScore[]): AiCriterionScore[] {
  const known = new Set(question.rubric.criteria.map((c) => c.id));
  const seen = new Set<string>();
  return scores.filter((s) => {
    const ok = known.has(s.criterionId) && !seen.has(s.criterionId) && Number.isInteger(s.score) && s.score >= 1 && s.score <= 5;
    if (ok) seen.add(s.criterionId);
    return ok;
  });
}

/**
 * Queues the AI's review of every answer to the prompt, when the bot has a reviewer and
 * the cohort's admins turned it on. Called when answers close, so the AI reads the final text.
 */
export async function enqueuePromptReviews(deps: CoachDeps, cohort: { id: number; aiEnabled: boolean }, promptId: number): Promise<void> {
  if (!deps.ai || !cohort.aiEnabled) return;
  await deps.repos.aiReviews.enqueuePrompt(promptId, cohort.id, deps.ai.reviewer.model, deps.clock.now());
}

/**
 * Works through the queue in the background (its own minute timer, never the daily
 * loop's): claims due rows with a lease, asks the model, stores the scores. Safe on
 * several replicas; a prompt that closed meanwhile refuses the late scores.
 */
export async function drainAiQueue(deps: CoachDeps, onScored?: (review: ClaimedAiReview) => Promise<void>): Promise<AiDrainReport> {
  const report = { scored: 0, retried: 0, gaveUp: 0, capped: 0 };
  const ai = deps.ai;
  if (!ai) return report;
  const alerts = new Map<string, "cap" | "failure">();
  for (let batch = 0; batch < AI_BATCHES_PER_DRAIN; batch++) {
    const claimed = await deps.repos.aiReviews.claim(ai.reviewer.model, deps.clock.now(), ai.leaseMs ?? AI_LEASE_MS, AI_BATCH);
    if (claimed.length === 0) break;
    const questions = new Map<string, Promise<Question | undefined>>();
    const questionOf = (id: string) => questions.get(id) ?? questions.set(id, deps.repos.questions.get(id)).get(id)!;
    let paused = false;
    await eachLimited(claimed, AI_CONCURRENCY, async (row) => {
      const outcome = await reviewOne(deps, ai, row, await questionOf(row.questionId));
      report[outcome]++;
      if (outcome === "scored" && onScored) await onScored(row).catch((error: unknown) => deps.log.warn({ err: error, aiReviewId: row.id }, "could not deliver an AI review"));
      if (outcome === "capped") alerts.set(row.budget, "cap");
      if (outcome === "gaveUp" && !alerts.has(row.budget)) alerts.set(row.budget, "failure");
      if (outcome === "capped" || outcome === "retried") paused = true;
    });
    // A full cap or a struggling endpoint will not be better a second later.
    if (paused) break;
  }
  for (const [budget, kind] of alerts) await alertAdmins(deps, ai, budget, kind);
  return report;
}

type ReviewOutcome = keyof AiDrainReport;

async function reviewOne(deps: CoachDeps, ai: AiSettings, row: ClaimedAiReview, question: Question | undefined): Promise<ReviewOutcome> {
  const repo = deps.repos.aiReviews;
  if (!question || row.answerText.trim() === "") {
    await repo.giveUp(row.id, row.attempt, "dropped", "nothing to review");
    return "gaveUp";
  }
  const now = deps.clock.now();
  const day = utcDay(now);
  if (!(await repo.reserveCall(row.budget, day, ai.dailyCapPerCohort))) {
    await repo.retryLater(row.id, row.attempt, nextUtcDay(now), "daily cap reached", false);
    return "capped";
  }
  // A drill's follow-up is picked from the attempt id, not stored: pick it again.
  const followUp =
    row.followUp && row.subject.kind === "drill" ? { prompt: drillFollowUpOf(question, row.subject.attemptId) ?? "", answerText: row.followUp.answerText } : row.followUp;
  const outcome = await ai.reviewer
    .review({ question, answerText: row.answerText, ...(followUp ? { followUp } : {}) })
    .catch((error: unknown) => ({ kind: "failed" as const, reason: "server_error" as const, detail: String(error) }));
  if (outcome.kind === "scored") {
    const scores = rubricScores(question, outcome.review.scores);
    if (scores.length === 0) {
      await repo.giveUp(row.id, row.attempt, "dropped", "no rubric criterion scored");
      return "gaveUp";
    }
    // False when the prompt closed meanwhile: closed prompts ignore late scores.
    return (await repo.saveScores(row.id, row.attempt, scores, deps.clock.now())) ? "scored" : "gaveUp";
  }
  deps.log.warn({ aiReviewId: row.id, reason: outcome.reason, detail: outcome.detail, attempt: row.attempt }, "AI review failed");
  if (outcome.reason === "rate_limited") {
    await repo.refundCall(row.budget, day);
    await repo.retryLater(row.id, row.attempt, new Date(now.getTime() + RATE_LIMIT_PAUSE_MS), outcome.reason, false);
    return "retried";
  }
  if (outcome.reason === "unparseable") {
    await repo.giveUp(row.id, row.attempt, "dropped", `${outcome.reason}: ${outcome.detail}`);
    return "gaveUp";
  }
  if (row.attempt >= AI_MAX_ATTEMPTS) {
    await repo.giveUp(row.id, row.attempt, "failed", `${outcome.reason}: ${outcome.detail}`);
    return "gaveUp";
  }
  const wait = RETRY_AFTER_MS[Math.min(row.attempt - 1, RETRY_AFTER_MS.length - 1)]!;
  await repo.retryLater(row.id, row.attempt, new Date(now.getTime() + wait), `${outcome.reason}: ${outcome.detail}`, true);
  return "retried";
}

/** Tells a cohort's admins, privately and once a day, that the AI reviewer is capped or failing. */
async function alertAdmins(deps: CoachDeps, ai: AiSettings, budget: string, kind: "cap" | "failure"): Promise<void> {
  const now = deps.clock.now();
  const cohortId = budget.startsWith("cohort:") ? Number(budget.slice("cohort:".length)) : undefined;
  if (cohortId === undefined) {
    deps.log.warn({ budget, kind }, kind === "cap" ? "AI daily cap reached for a solo practitioner" : "AI reviews are failing");
    return;
  }
  if (!(await deps.repos.aiReviews.alertOnce(budget, utcDay(now), kind, now))) return;
  const cohort = await deps.repos.cohorts.get(cohortId);
  if (!cohort) return;
  const address: CohortAddress = { platform: cohort.platform, workspaceId: cohort.workspaceId, channelId: cohort.channelId };
  const message = { kind: "ai-alert" as const, reason: kind, model: ai.reviewer.model, dailyCap: ai.dailyCapPerCohort };
  for (const admin of cohort.admins) {
    try {
      await deps.messenger.send({ kind: "user", cohort: address, userRef: admin }, message, `ai-alert:${budget}:${utcDay(now)}:${kind}:${admin}`);
    } catch (error) {
      deps.log.warn({ err: error, userRef: admin, cohortId }, "could not tell an admin about the AI reviewer");
    }
  }
}

async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

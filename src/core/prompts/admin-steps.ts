import { requireAdmin } from "../cohorts/manage-cohort.ts";
import { addDays, atLocal, localDateOf, windowsFor } from "../cohorts/schedule.ts";
import type { Actor, Cohort, CohortAddress } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import { ensurePrompt } from "./ensure-prompt.ts";
import { runStep } from "./run-steps.ts";
import type { Prompt, PromptStep } from "./types.ts";

const HOUR = 3_600_000;

export type ManualStepOutcome = "done" | "already-done";

/**
 * Posts today's question now. When less than two hours of today's usual answer window
 * are left, answers close at the cohort's usual closing time on the next day rather than
 * at some hour of the night, and reviews close a full window after that.
 */
export async function postNow(deps: CoachDeps, address: CohortAddress, actor: Actor): Promise<ManualStepOutcome> {
  const cohort = await requireAdmin(deps, address, actor);
  const now = deps.clock.now();
  const today = localDateOf(now, cohort.timeZone);
  const usual = windowsFor(cohort, today);
  const rolled = usual.answersCloseAt.getTime() - now.getTime() < 2 * HOUR;
  const answersCloseAt = rolled ? atLocal(addDays(localDateOf(usual.answersCloseAt, cohort.timeZone), 1), cohort.answerCloseTime, cohort.timeZone) : usual.answersCloseAt;
  const laterReviews = rolled ? windowsFor(cohort, localDateOf(answersCloseAt, cohort.timeZone)).reviewsCloseAt : usual.reviewsCloseAt;
  const reviewsCloseAt = laterReviews.getTime() - answersCloseAt.getTime() >= 2 * HOUR ? laterReviews : new Date(answersCloseAt.getTime() + 16 * HOUR);
  const prompt = await ensurePrompt(deps, cohort, today, { postAt: now < usual.postAt ? now : usual.postAt, answersCloseAt, reviewsCloseAt });
  return (await runStep(deps, cohort, prompt, "post")) ? "done" : "already-done";
}

async function latestPostedPrompt(deps: CoachDeps, cohort: Cohort): Promise<Prompt> {
  const prompts = await deps.repos.prompts.forCohort(cohort.id);
  const prompt = prompts.filter((p) => p.messageRef !== null).at(-1);
  if (!prompt) throw new CoachingError("no-prompt", "There is no posted question in this cohort yet. Use `post-now` to post one.");
  return prompt;
}

async function runManual(deps: CoachDeps, cohort: Cohort, prompt: Prompt, step: PromptStep, skipFirst: readonly PromptStep[]): Promise<ManualStepOutcome> {
  const now = deps.clock.now();
  for (const earlier of skipFirst) await deps.repos.prompts.finishStep(prompt.id, earlier, "skipped", now);
  return (await runStep(deps, cohort, prompt, step)) ? "done" : "already-done";
}

/** Closes answers and hands them to reviewers now. */
export async function openReviewsNow(deps: CoachDeps, address: CohortAddress, actor: Actor): Promise<ManualStepOutcome> {
  const cohort = await requireAdmin(deps, address, actor);
  const prompt = await latestPostedPrompt(deps, cohort);
  return runManual(deps, cohort, prompt, "open-reviews", ["answer-reminder"]);
}

/** Closes reviews now: scores, feedback and the results post. */
export async function closeNow(deps: CoachDeps, address: CohortAddress, actor: Actor): Promise<ManualStepOutcome> {
  const cohort = await requireAdmin(deps, address, actor);
  const prompt = await latestPostedPrompt(deps, cohort);
  return runManual(deps, cohort, prompt, "close", ["answer-reminder", "open-reviews", "reviewer-reminder"]);
}

import { isPostingDay, localDateOf, windowsFor } from "../cohorts/schedule.ts";
import type { Cohort } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import { ensurePrompt } from "../prompts/ensure-prompt.ts";
import { runStep, stepTimeline } from "../prompts/run-steps.ts";
import type { Prompt, PromptStep } from "../prompts/types.ts";

export interface TickReport {
  readonly ran: readonly { promptId: number; step: string }[];
  readonly skipped: readonly { promptId: number; step: string }[];
  /** Steps that threw; their claim's lease expires and a later tick retries them. */
  readonly failed: readonly { promptId: number; step: string }[];
}

/**
 * Called every minute (and safe to call from several replicas at once): posts each
 * cohort's question when it falls due in its own zone, then moves every open prompt
 * to its newest due step. Older due steps are skipped, so a bot that was down for
 * hours catches up with one message rather than a burst of stale ones.
 */
export async function runTick(deps: CoachDeps): Promise<TickReport> {
  const now = deps.clock.now();
  const cohorts = await deps.repos.cohorts.all();
  const byId = new Map(cohorts.map((c) => [c.id, c]));
  for (const cohort of cohorts) {
    if (cohort.paused) continue;
    const today = localDateOf(now, cohort.timeZone);
    if (!isPostingDay(cohort, today)) continue;
    const windows = windowsFor(cohort, today);
    if (now < windows.postAt || now >= windows.answersCloseAt) continue;
    try {
      await ensurePrompt(deps, cohort, today, windows);
    } catch (error) {
      deps.log.error({ err: error, cohortId: cohort.id }, "could not create today's prompt");
    }
  }

  const ran: { promptId: number; step: string }[] = [];
  const skipped: { promptId: number; step: string }[] = [];
  const failed: { promptId: number; step: string }[] = [];
  for (const prompt of await deps.repos.prompts.unfinished()) {
    const cohort = byId.get(prompt.cohortId);
    if (!cohort) continue;
    try {
      const result = await advancePrompt(deps, cohort, prompt, now);
      if (result.ran) ran.push({ promptId: prompt.id, step: result.ran });
      skipped.push(...result.skipped.map((step) => ({ promptId: prompt.id, step })));
      if (result.failed) {
        failed.push({ promptId: prompt.id, step: result.failed.step });
        deps.log.error({ err: result.failed.error, promptId: prompt.id, cohortId: cohort.id, step: result.failed.step }, "prompt step failed");
      }
    } catch (error) {
      deps.log.error({ err: error, promptId: prompt.id, cohortId: cohort.id }, "prompt step failed");
    }
  }
  return { ran, skipped, failed };
}

interface Advanced {
  readonly ran?: string;
  readonly skipped: string[];
  readonly failed?: { readonly step: PromptStep; readonly error: unknown };
}

/** Runs one step, keeping which step failed so the tick can report it by kind. */
async function attempt(deps: CoachDeps, cohort: Cohort, prompt: Prompt, step: PromptStep, skipped: string[]): Promise<Advanced> {
  try {
    return { ran: (await runStep(deps, cohort, prompt, step)) ? step : undefined, skipped };
  } catch (error) {
    return { skipped, failed: { step, error } };
  }
}

async function advancePrompt(deps: CoachDeps, cohort: Cohort, prompt: Prompt, now: Date): Promise<Advanced> {
  const statuses = await deps.repos.prompts.steps(prompt.id);
  const timeline = stepTimeline(cohort, prompt);
  if (statuses.get("post") !== "done") {
    if (now < prompt.answersCloseAt) {
      return attempt(deps, cohort, prompt, "post", []);
    }
    // Never posted and its answer window is over: nothing sensible is left to do.
    const skipped = timeline.filter((t) => !statuses.has(t.step)).map((t) => t.step);
    for (const step of skipped) await deps.repos.prompts.finishStep(prompt.id, step, "skipped", now);
    return { skipped };
  }
  // A "running" step whose worker died is still pending; runStep retakes it once its lease is over.
  const finished = (step: PromptStep) => statuses.get(step) === "done" || statuses.get(step) === "skipped";
  const due = timeline.filter((t) => t.at <= now && !finished(t.step));
  const newest = due.at(-1);
  if (!newest) return { skipped: [] };
  const skipped = due.slice(0, -1).map((t) => t.step);
  for (const step of skipped) await deps.repos.prompts.finishStep(prompt.id, step, "skipped", now);
  return attempt(deps, cohort, prompt, newest.step, skipped);
}

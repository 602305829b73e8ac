import { isPostingDay, localDateOf, nextPostCheck, windowsFor } from "../cohorts/schedule.ts";
import type { Cohort } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import { groupWrites } from "../group-writes.ts";
import type { DoneStep, NextPostMove, StepClaim, StepStatus } from "../ports.ts";
import { ensurePrompts } from "../prompts/ensure-prompt.ts";
import { runClaimedStep, STEP_LEASE_MS, stepTimeline, type StepBatch } from "../prompts/run-steps.ts";
import { StepLeases } from "../prompts/step-lease.ts";
import type { Prompt, PromptStep } from "../prompts/types.ts";
import type { Track } from "../questions/types.ts";

export interface TickReport {
  readonly ran: readonly { promptId: number; step: string }[];
  readonly skipped: readonly { promptId: number; step: string }[];
  /** Steps that threw; their claim's lease expires and a later tick retries them. */
  readonly failed: readonly { promptId: number; step: string }[];
}

/**
 * Steps run side by side: each mostly waits on the platform, whose pacing (per channel,
 * per workspace) decides the real rate, so a minute with a thousand posts is not a
 * thousand round trips in a row.
 */
const STEP_CONCURRENCY = 32;

/**
 * Called every minute (and safe to call from several replicas at once). Cohorts and
 * prompts carry the instant they next need a look, so the tick reads only what is due
 * (one indexed statement when nothing is), creates the day's prompts, claims every due
 * step in bulk and runs them. Older due steps are skipped, so a bot that was down for
 * hours catches up with one message rather than a burst of stale ones.
 */
export async function runTick(deps: CoachDeps): Promise<TickReport> {
  const now = deps.clock.now();
  const due = await deps.repos.prompts.dueWork(now);
  if (due.posts.length === 0 && due.steps.length === 0) return { ran: [], skipped: [], failed: [] };

  const tracks = new Map<string, Promise<Track | undefined>>();
  const loadTrack = (id: string) => tracks.get(id) ?? tracks.set(id, deps.repos.questions.activeTrack(id)).get(id)!;
  const shared: Shared = {
    slots: semaphore(STEP_CONCURRENCY),
    // Posts paced at Slack's rate finish one every few tens of milliseconds: a thousand cost a
    // few hundred milliseconds' worth of statements instead of one each.
    record: groupWrites((done: DoneStep[]) => deps.repos.prompts.recordDone(done, deps.clock.now()), { gatherMs: 100, enough: 25 }),
  };
  const seen = new Set<number>();
  const fresh = (list: readonly { cohort: Cohort; prompt: Prompt }[]) => list.filter((w) => !seen.has(w.prompt.id) && seen.add(w.prompt.id));
  // Each is settled as it is added, so a failure waits for the rest instead of going unhandled.
  const running: Promise<PromiseSettledResult<TickReport>>[] = [];
  const start = (report: Promise<TickReport>) =>
    running.push(report.then((value) => ({ status: "fulfilled", value }) as const, (reason: unknown) => ({ status: "rejected", reason }) as const));
  // Prepared a chunk at a time, each running while the next is prepared: the first posts
  // go out after a chunk's worth of statements, not a thousand cohorts' worth.
  const chunks = due.posts.length > 0 ? chunked(due.posts, PREPARE_CHUNK) : [[]];
  try {
    for (const [index, posts] of chunks.entries()) {
      const days = posts.flatMap(({ cohort }) => {
        const today = localDateOf(now, cohort.timeZone);
        const windows = windowsFor(cohort, today);
        const open = !cohort.paused && isPostingDay(cohort, today) && now >= windows.postAt && now < windows.answersCloseAt;
        return open ? [{ cohort, localDate: today, windows }] : [];
      });
      const { made, failed } = await ensurePrompts(deps, days, loadTrack);
      const opened = new Set(days.map((d) => d.cohort.id));
      // A cohort whose prompt could not be made keeps its check, so the next tick tries again.
      const moves: NextPostMove[] = posts
        .filter(({ cohort }) => !failed.has(cohort.id))
        .map(({ cohort, checkAt }) => ({ cohortId: cohort.id, from: checkAt, to: nextPostCheck(cohort, now, opened.has(cohort.id)) }));
      // Moving the checks on does not have to wait for the posts, nor they for it.
      start(deps.repos.cohorts.advanceNextPost(moves).then(() => ({ ran: [], skipped: [], failed: [] })));
      // The next chunk is prepared once this one's steps are claimed, so this chunk's posts
      // are not queued behind the next chunk's statements (PGlite runs one at a time).
      let claimed!: () => void;
      const ready = new Promise<void>((resolve) => (claimed = resolve));
      const report = advancePrompts(deps, fresh(index === 0 ? [...due.steps, ...made] : made), now, shared, claimed);
      start(report);
      await Promise.race([ready, report.catch(() => undefined)]);
    }
  } finally {
    await Promise.all(running);
  }
  const reports = await Promise.all(running);
  const rejected = reports.find((r) => r.status === "rejected");
  if (rejected) throw rejected.reason;
  const values = reports.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  return { ran: values.flatMap((r) => r.ran), skipped: values.flatMap((r) => r.skipped), failed: values.flatMap((r) => r.failed) };
}

/** Cohorts whose day is prepared (prompts made, steps claimed) at a time. */
const PREPARE_CHUNK = 100;

const chunked = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** What every chunk of a tick shares: the cap on steps running at once, and the group-committed record of finished steps. */
interface Shared {
  readonly slots: <R>(task: () => Promise<R>) => Promise<R>;
  readonly record: (done: DoneStep) => Promise<void>;
}

interface Plan {
  readonly cohort: Cohort;
  readonly prompt: Prompt;
  readonly skip: PromptStep[];
  readonly run: PromptStep | undefined;
}

/** Which step each prompt runs now and which older ones it skips. */
function plan(cohort: Cohort, prompt: Prompt, statuses: ReadonlyMap<PromptStep, StepStatus>, now: Date): Plan {
  const timeline = stepTimeline(cohort, prompt);
  if (statuses.get("post") !== "done") {
    if (now < prompt.answersCloseAt) return { cohort, prompt, skip: [], run: now >= prompt.postAt ? "post" : undefined };
    // Never posted and its answer window is over: nothing sensible is left to do.
    return { cohort, prompt, skip: timeline.filter((t) => !statuses.has(t.step)).map((t) => t.step), run: undefined };
  }
  // A "running" step whose worker died is still pending; the claim retakes it once its lease is over.
  const due = timeline.filter((t) => t.at <= now && !finished(statuses, t.step));
  return { cohort, prompt, skip: due.slice(0, -1).map((t) => t.step), run: due.at(-1)?.step };
}

const finished = (statuses: ReadonlyMap<PromptStep, StepStatus>, step: PromptStep) => statuses.get(step) === "done" || statuses.get(step) === "skipped";

async function advancePrompts(
  deps: CoachDeps,
  work: readonly { cohort: Cohort; prompt: Prompt }[],
  now: Date,
  shared: Shared,
  claimed: () => void,
): Promise<TickReport> {
  if (work.length === 0) {
    claimed();
    return { ran: [], skipped: [], failed: [] };
  }
  const statuses = await deps.repos.prompts.stepsOf(work.map((w) => w.prompt.id));
  const plans = work.map((w) => plan(w.cohort, w.prompt, statuses.get(w.prompt.id) ?? new Map(), now));
  const skips: StepClaim[] = plans.flatMap((p) => p.skip.map((step) => ({ promptId: p.prompt.id, step })));
  await deps.repos.prompts.skipSteps(skips, now);
  const claims: StepClaim[] = plans.flatMap((p) => (p.run ? [{ promptId: p.prompt.id, step: p.run }] : []));
  const won = await deps.repos.prompts.claimSteps(claims, now, STEP_LEASE_MS);
  const leases = new StepLeases(deps.repos.prompts, deps.clock, now, STEP_LEASE_MS, claims.filter((c) => won.has(c.promptId)));

  const ran: { promptId: number; step: string }[] = [];
  const failed = new Map<number, PromptStep>();
  // Retaken by another worker while a post waited: that worker finishes them.
  const handedOver = new Set<number>();
  const posting = plans.filter((p) => p.run === "post" && won.has(p.prompt.id)).map((p) => p.prompt.questionId);
  const batch: StepBatch = { questions: posting.length > 0 ? await deps.repos.questions.getMany(posting) : new Map(), record: shared.record };
  claimed();
  // One cohort's steps run in prompt order (yesterday's results before today's question); cohorts run side by side.
  const byCohort = new Map<number, Plan[]>();
  for (const p of plans.filter((p) => p.run && won.has(p.prompt.id)).sort((a, b) => a.prompt.id - b.prompt.id)) {
    byCohort.set(p.cohort.id, [...(byCohort.get(p.cohort.id) ?? []), p]);
  }
  await Promise.all(
    [...byCohort.values()].map((cohortPlans) =>
      shared.slots(async () => {
        for (const { cohort, prompt, run } of cohortPlans) {
          try {
            if (await runClaimedStep(deps, cohort, prompt, run!, won.get(prompt.id)!, leases.fence(prompt.id), batch)) ran.push({ promptId: prompt.id, step: run! });
            else handedOver.add(prompt.id);
          } catch (error) {
            // The claim's lease expires and a later tick retries the step.
            failed.set(prompt.id, run!);
            deps.log.error({ err: error, promptId: prompt.id, cohortId: cohort.id }, "prompt step failed");
          } finally {
            leases.release(prompt.id);
          }
        }
      }),
    ),
  );

  await deps.repos.prompts.setNextSteps(
    plans.map((p) => {
      const ranHere = won.has(p.prompt.id) && !failed.has(p.prompt.id) && !handedOver.has(p.prompt.id);
      const done = new Set([...p.skip, ...(p.run && ranHere ? [p.run] : [])]);
      return { promptId: p.prompt.id, at: nextLook(p, statuses.get(p.prompt.id) ?? new Map(), done, now) };
    }),
  );
  return {
    ran,
    skipped: skips.map((s) => ({ promptId: s.promptId, step: s.step })),
    failed: [...failed].map(([promptId, step]) => ({ promptId, step })),
  };
}

/**
 * The next instant worth a look: the earliest pending step, with reminders counted even
 * when turned off (turning them back on must not find a look scheduled past them). A
 * due step still pending (held by another worker, or failed) is looked at again when a
 * lease would have run out. Null once the prompt is closed.
 */
function nextLook(p: Plan, statuses: ReadonlyMap<PromptStep, StepStatus>, doneNow: ReadonlySet<PromptStep>, now: Date): Date | null {
  const closed = (step: PromptStep) => doneNow.has(step) || finished(statuses, step);
  if (closed("close")) return null;
  const pending = stepTimeline({ ...p.cohort, remindersEnabled: true }, p.prompt).filter((t) => !closed(t.step));
  const retry = new Date(now.getTime() + STEP_LEASE_MS);
  const future = pending.find((t) => t.at > now)?.at;
  const stuck = pending.some((t) => t.at <= now && (t.step !== "answer-reminder" && t.step !== "reviewer-reminder" ? true : p.cohort.remindersEnabled));
  if (stuck) return future && future < retry ? future : retry;
  return future ?? retry;
}

/** At most `limit` tasks at once, started in call order. */
function semaphore(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

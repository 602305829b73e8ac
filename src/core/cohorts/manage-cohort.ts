import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import { parseLocalDate, type ScheduleArgs } from "./parse-settings.ts";
import { describeWeekdays, formatLocal, nextPostAt, nextPostCheck } from "./schedule.ts";
import type { Actor, Cohort, CohortAddress } from "./types.ts";

export interface CohortDefaults {
  readonly timeZone: string;
  readonly postTime: string;
}

export async function requireCohort(deps: CoachDeps, address: CohortAddress): Promise<Cohort> {
  const cohort = await deps.repos.cohorts.find(address);
  if (!cohort) throw notACohort();
  return cohort;
}

export const notACohort = () => new CoachingError("not-a-cohort", "This channel is not a cohort yet. An admin can start one with `setup <track>`.");

export function isAdmin(cohort: Cohort, actor: Actor): boolean {
  return actor.isPlatformAdmin || cohort.admins.includes(actor.userRef);
}

export async function requireAdmin(deps: CoachDeps, address: CohortAddress, actor: Actor): Promise<Cohort> {
  const cohort = await requireCohort(deps, address);
  if (!isAdmin(cohort, actor)) throw new CoachingError("not-an-admin", "Only this cohort's admins can do that. Ask one of them, or a workspace admin.");
  return cohort;
}

/** "Weekdays at 09:00 America/New_York; next question Mon 24 Nov" */
export function describeSchedule(cohort: Cohort, now: Date): string {
  const days = describeWeekdays(cohort.weekdays);
  const next = cohort.paused ? undefined : nextPostAt(cohort, now);
  const tail = cohort.paused ? "paused" : next ? `next question ${formatLocal(next, cohort.timeZone, false)}` : "no posting day ahead";
  return `${days} at ${cohort.postTime} ${cohort.timeZone}; ${tail}`;
}

/** Every change to when a cohort posts re-arms the tick's check, which reads only that instant. */
async function rearm(deps: CoachDeps, cohort: Cohort, now: Date): Promise<void> {
  await deps.repos.cohorts.setNextPostAt(cohort.id, nextPostCheck(cohort, now, false));
}

async function requireTrack(deps: CoachDeps, trackId: string): Promise<void> {
  const tracks = await deps.repos.questions.activeTracks();
  if (!tracks.some((t) => t.id === trackId)) {
    throw new CoachingError("unknown-track", `There is no track "${trackId}". Available: ${tracks.map((t) => t.id).join(", ")}.`);
  }
}

/**
 * Makes the channel a cohort (platform admins only), or re-runs setup on an existing
 * one (its admins too). Setting up twice is harmless: it updates the schedule.
 */
export async function setupCohort(
  deps: CoachDeps,
  address: CohortAddress,
  actor: Actor,
  args: ScheduleArgs,
  defaults: CohortDefaults,
): Promise<{ cohort: Cohort; created: boolean; schedule: string }> {
  const existing = await deps.repos.cohorts.find(address);
  if (existing ? !isAdmin(existing, actor) : !actor.isPlatformAdmin) {
    throw new CoachingError("not-an-admin", "Only workspace admins can set up a cohort (Slack: admins or owners; Discord: Manage Server).");
  }
  await requireTrack(deps, args.trackId);
  const now = deps.clock.now();
  const { cohort, created } = await deps.repos.cohorts.upsert(
    address,
    {
      trackId: args.trackId,
      postTime: args.postTime ?? existing?.postTime ?? defaults.postTime,
      timeZone: args.timeZone ?? existing?.timeZone ?? defaults.timeZone,
      weekdays: args.weekdays ?? existing?.weekdays ?? [1, 2, 3, 4, 5],
    },
    actor.userRef,
    now,
  );
  await rearm(deps, cohort, now);
  await deps.repos.members.touch(cohort.id, actor.userRef, actor.displayName, now);
  return { cohort, created, schedule: describeSchedule(cohort, now) };
}

export async function changeSchedule(deps: CoachDeps, address: CohortAddress, actor: Actor, args: ScheduleArgs, defaults: CohortDefaults) {
  await requireAdmin(deps, address, actor);
  return setupCohort(deps, address, actor, args, defaults);
}

export async function setPaused(deps: CoachDeps, address: CohortAddress, actor: Actor, paused: boolean): Promise<string> {
  const cohort = await requireAdmin(deps, address, actor);
  const updated = await deps.repos.cohorts.update(cohort.id, { paused });
  await rearm(deps, updated, deps.clock.now());
  return describeSchedule(updated, deps.clock.now());
}

export async function setReminders(deps: CoachDeps, address: CohortAddress, actor: Actor, enabled: boolean): Promise<void> {
  const cohort = await requireAdmin(deps, address, actor);
  await deps.repos.cohorts.update(cohort.id, { remindersEnabled: enabled });
}

export async function skipDate(deps: CoachDeps, address: CohortAddress, actor: Actor, date: string): Promise<string> {
  const cohort = await requireAdmin(deps, address, actor);
  const localDate = parseLocalDate(date);
  await deps.repos.cohorts.addSkipDate(cohort.id, localDate);
  const updated = (await deps.repos.cohorts.get(cohort.id))!;
  await rearm(deps, updated, deps.clock.now());
  return describeSchedule(updated, deps.clock.now());
}

export async function addAdmin(deps: CoachDeps, address: CohortAddress, actor: Actor, userRef: string): Promise<void> {
  const cohort = await requireAdmin(deps, address, actor);
  await deps.repos.cohorts.addAdmin(cohort.id, userRef);
}

export async function removeAdmin(deps: CoachDeps, address: CohortAddress, actor: Actor, userRef: string): Promise<void> {
  const cohort = await requireAdmin(deps, address, actor);
  if (cohort.admins.length === 1 && cohort.admins[0] === userRef) {
    throw new CoachingError("last-admin", "That is the cohort's last admin. Add another admin first.");
  }
  await deps.repos.cohorts.removeAdmin(cohort.id, userRef);
}

export async function startSeason(deps: CoachDeps, address: CohortAddress, actor: Actor): Promise<number> {
  const cohort = await requireAdmin(deps, address, actor);
  return deps.repos.cohorts.startSeason(cohort.id);
}

/**
 * Turns the AI reviewer on or off for the cohort (its admins only). Refused with a clear
 * reason when the bot has no AI configured, so nobody believes it is on when it cannot be.
 */
export async function setAiReviewer(deps: CoachDeps, address: CohortAddress, actor: Actor, enabled: boolean): Promise<string> {
  const cohort = await requireAdmin(deps, address, actor);
  if (enabled && !deps.ai) {
    throw new CoachingError("ai-not-configured", "This bot has no AI reviewer configured. Whoever runs it can set AI_BASE_URL and AI_MODEL (and AI_API_KEY if the endpoint needs one), then try again.");
  }
  await deps.repos.cohorts.update(cohort.id, { aiEnabled: enabled });
  return enabled
    ? `AI reviewer on (${deps.ai!.reviewer.model}): from the next review round it scores every answer, apart from the peers, who calibrate it. It earns no points. At most ${deps.ai!.dailyCapPerCohort} AI reviews a day.`
    : "AI reviewer off: answers are reviewed by peers only.";
}

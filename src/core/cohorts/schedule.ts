import { DateTime } from "luxon";
import type { Cohort } from "./types.ts";

/**
 * Wall-clock arithmetic in the cohort's own zone. Luxon resolves DST gaps and
 * overlaps the way people expect: 02:30 on a spring-forward day becomes 03:30, and
 * 09:00 is 09:00 local on both sides of a change.
 */

type ScheduleView = Pick<Cohort, "timeZone" | "weekdays" | "skipDates" | "postTime" | "answerCloseTime" | "reviewCloseTime">;

/**
 * Luxon's zone arithmetic costs tens of microseconds a call, and a tick with a thousand
 * cohorts due asks the same few questions (same zone, same day, same time) thousands of
 * times. The answers never change, so they are kept, up to a bound.
 */
function remembered<R>(compute: (key: string) => R): (key: string) => R {
  const kept = new Map<string, R>();
  return (key) => {
    const hit = kept.get(key);
    if (hit !== undefined) return hit;
    if (kept.size >= 20_000) kept.clear();
    const value = compute(key);
    kept.set(key, value);
    return value;
  };
}

const localDateAt = remembered((key) => {
  const [ms, timeZone] = key.split("|");
  return DateTime.fromMillis(Number(ms), { zone: timeZone }).toISODate()!;
});
const instantAt = remembered((key) => {
  const [local, timeZone] = key.split("|");
  return DateTime.fromISO(local!, { zone: timeZone }).toMillis();
});
const dayAfter = remembered((key) => {
  const [localDate, days] = key.split("|");
  return DateTime.fromISO(localDate!, { zone: "UTC" }).plus({ days: Number(days) }).toISODate()!;
});
const weekdayOf = remembered((localDate) => DateTime.fromISO(localDate, { zone: "UTC" }).weekday);

export function localDateOf(instant: Date, timeZone: string): string {
  return localDateAt(`${instant.getTime()}|${timeZone}`);
}

export function atLocal(localDate: string, hhmm: string, timeZone: string): Date {
  return new Date(instantAt(`${localDate}T${hhmm}|${timeZone}`));
}

export function addDays(localDate: string, days: number): string {
  return dayAfter(`${localDate}|${days}`);
}

export function isoWeekday(localDate: string): number {
  return weekdayOf(localDate);
}

export function isPostingDay(cohort: Pick<Cohort, "weekdays" | "skipDates">, localDate: string): boolean {
  return cohort.weekdays.includes(isoWeekday(localDate)) && !cohort.skipDates.includes(localDate);
}

/** The first posting day strictly after `localDate`, looking at most two weeks ahead. */
export function nextPostingDay(cohort: Pick<Cohort, "weekdays" | "skipDates">, localDate: string): string | undefined {
  for (let i = 1; i <= 14; i++) {
    const candidate = addDays(localDate, i);
    if (isPostingDay(cohort, candidate)) return candidate;
  }
  return undefined;
}

export interface DayWindows {
  readonly postAt: Date;
  readonly answersCloseAt: Date;
  readonly reviewsCloseAt: Date;
}

export function windowsFor(cohort: ScheduleView, localDate: string): DayWindows {
  const postAt = atLocal(localDate, cohort.postTime, cohort.timeZone);
  let answersCloseAt = atLocal(localDate, cohort.answerCloseTime, cohort.timeZone);
  // A close time at or before the posting time means "the next day".
  if (answersCloseAt <= postAt) answersCloseAt = atLocal(addDays(localDate, 1), cohort.answerCloseTime, cohort.timeZone);
  const reviewDay = nextPostingDay(cohort, localDate) ?? addDays(localDate, 1);
  let reviewsCloseAt = atLocal(reviewDay, cohort.reviewCloseTime, cohort.timeZone);
  if (reviewsCloseAt <= answersCloseAt) reviewsCloseAt = new Date(answersCloseAt.getTime() + 16 * 3_600_000);
  return { postAt, answersCloseAt, reviewsCloseAt };
}

/** The next posting instant after `now` (today's if it is still ahead). */
export function nextPostAt(cohort: ScheduleView, now: Date): Date | undefined {
  const today = localDateOf(now, cohort.timeZone);
  if (isPostingDay(cohort, today)) {
    const at = atLocal(today, cohort.postTime, cohort.timeZone);
    if (at > now) return at;
  }
  const next = nextPostingDay(cohort, today);
  return next ? atLocal(next, cohort.postTime, cohort.timeZone) : undefined;
}

/**
 * When the tick must next look at the cohort for a post: today's posting time while
 * today's answer window is still open and today's prompt is not made yet (a cohort set
 * up at noon still gets today's question), else the next posting day's. With no posting
 * day in the next two weeks it looks again in two weeks. Null while paused.
 */
export function nextPostCheck(cohort: ScheduleView & Pick<Cohort, "paused">, now: Date, todayDone: boolean): Date | null {
  if (cohort.paused) return null;
  const today = localDateOf(now, cohort.timeZone);
  if (!todayDone && isPostingDay(cohort, today)) {
    const windows = windowsFor(cohort, today);
    if (now < windows.answersCloseAt) return windows.postAt;
  }
  const next = nextPostingDay(cohort, today);
  return atLocal(next ?? addDays(today, 14), cohort.postTime, cohort.timeZone);
}

const dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/** "Weekdays", "Daily", or "Mon, Wed, Fri". */
export function describeWeekdays(weekdays: readonly number[]): string {
  const sorted = [...new Set(weekdays)].sort((a, b) => a - b);
  if (sorted.join() === "1,2,3,4,5") return "Weekdays";
  if (sorted.length === 7) return "Daily";
  return sorted.map((d) => dayNames[d - 1]).join(", ");
}

/** e.g. "Mon 24 Nov, 09:00" in the cohort's zone. */
export function formatLocal(instant: Date, timeZone: string, withTime = true): string {
  return formatted(`${instant.getTime()}|${timeZone}|${withTime ? "ccc d LLL, HH:mm" : "ccc d LLL"}`);
}

const formatted = remembered((key) => {
  const [ms, timeZone, format] = key.split("|");
  return DateTime.fromMillis(Number(ms), { zone: timeZone }).toFormat(format!, { locale: "en-GB" });
});

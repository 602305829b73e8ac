import { DateTime } from "luxon";
import { requireCohort } from "../cohorts/manage-cohort.ts";
import type { CohortAddress } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";

export const leaderboardPeriods = ["week", "month", "season", "all"] as const;
export type LeaderboardPeriod = (typeof leaderboardPeriods)[number];

export interface LeaderboardRow {
  readonly rank: number;
  readonly userRef: string;
  readonly displayName: string;
  readonly points: number;
}

export interface QualityRow {
  readonly rank: number;
  readonly userRef: string;
  readonly displayName: string;
  /** Mean corrected score shrunk toward the cohort mean by the number of answers. */
  readonly score: number;
  readonly answers: number;
}

export interface Leaderboard {
  readonly period: LeaderboardPeriod;
  readonly label: string;
  readonly top: readonly LeaderboardRow[];
  /** The viewer and their neighbours, when the viewer is outside the top 10. */
  readonly around: readonly LeaderboardRow[];
  readonly me: LeaderboardRow | undefined;
  readonly quality: readonly QualityRow[];
}

const TOP = 10;
/** How many answers' worth of cohort mean a member's own mean is blended with. */
const QUALITY_PRIOR_ANSWERS = 3;

export function parsePeriod(value: string | undefined): LeaderboardPeriod {
  const period = (value ?? "week").trim().toLowerCase() || "week";
  if ((leaderboardPeriods as readonly string[]).includes(period)) return period as LeaderboardPeriod;
  throw new CoachingError("bad-arguments", `"${value}" is not a leaderboard period. Use week, month, season or all.`);
}

/** Competition ranking: equal points share a rank ("1, 2, 2, 4"). */
function rank<T extends { readonly userRef: string }>(rows: readonly T[], value: (row: T) => number, name: (row: T) => string): (T & { rank: number })[] {
  const sorted = [...rows].sort((a, b) => value(b) - value(a) || name(a).localeCompare(name(b)));
  let previous = 0;
  return sorted.map((row, i) => {
    previous = i > 0 && value(sorted[i - 1]!) === value(row) ? previous : i + 1;
    return { ...row, rank: previous };
  });
}

export async function leaderboard(deps: CoachDeps, address: CohortAddress, viewerRef: string, period: LeaderboardPeriod): Promise<Leaderboard> {
  const cohort = await requireCohort(deps, address);
  const now = DateTime.fromJSDate(deps.clock.now(), { zone: cohort.timeZone });
  const filter =
    period === "week"
      ? { fromDate: now.startOf("week").toISODate()!, toDate: now.endOf("week").toISODate()! }
      : period === "month"
        ? { fromDate: now.startOf("month").toISODate()!, toDate: now.endOf("month").toISODate()! }
        : period === "season"
          ? { season: cohort.season }
          : {};
  const label =
    period === "week" ? `Week of ${now.startOf("week").toFormat("d LLL")}` : period === "month" ? now.toFormat("LLLL yyyy") : period === "season" ? `Season ${cohort.season}` : "All time";
  const members = new Map((await deps.repos.members.list(cohort.id)).map((m) => [m.userRef, m.displayName]));
  const name = (ref: string) => members.get(ref) ?? "former member";
  const totals = (await deps.repos.points.totals(cohort.id, filter)).filter((t) => t.points !== 0 && members.has(t.userRef));
  const ranked = rank(totals, (t) => t.points, (t) => name(t.userRef)).map((t) => ({ rank: t.rank, userRef: t.userRef, displayName: name(t.userRef), points: t.points }));
  const myIndex = ranked.findIndex((r) => r.userRef === viewerRef);
  const me = myIndex >= 0 ? ranked[myIndex] : undefined;
  const around = myIndex >= TOP ? ranked.slice(myIndex - 1, myIndex + 2) : [];
  return { period, label, top: ranked.slice(0, TOP), around, me, quality: await qualityRanking(deps, cohort.id, name) };
}

async function qualityRanking(deps: CoachDeps, cohortId: number, name: (ref: string) => string): Promise<QualityRow[]> {
  const perMember = new Map<string, number[]>();
  for (const prompt of await deps.repos.prompts.forCohort(cohortId)) {
    for (const answer of await deps.repos.answers.active(prompt.id)) {
      const results = await deps.repos.reviews.results(answer.id);
      if (results.length === 0) continue;
      const score = results.reduce((s, r) => s + r.score, 0) / results.length;
      perMember.set(answer.userRef, [...(perMember.get(answer.userRef) ?? []), score]);
    }
  }
  const all = [...perMember.values()].flat();
  if (all.length === 0) return [];
  const cohortMean = all.reduce((s, v) => s + v, 0) / all.length;
  const rows = [...perMember].map(([userRef, scores]) => ({
    userRef,
    displayName: name(userRef),
    answers: scores.length,
    score: (scores.reduce((s, v) => s + v, 0) + QUALITY_PRIOR_ANSWERS * cohortMean) / (scores.length + QUALITY_PRIOR_ANSWERS),
  }));
  return rank(rows, (r) => Math.round(r.score * 100), (r) => r.displayName).slice(0, 5);
}

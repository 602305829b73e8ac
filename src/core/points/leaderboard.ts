import { DateTime } from "luxon";
import { notACohort } from "../cohorts/manage-cohort.ts";
import type { CohortAddress } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import type { BoardRow, PointsPeriod } from "../ports.ts";

export const leaderboardPeriods = ["week", "month", "season", "all"] as const satisfies readonly PointsPeriod[];
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
const QUALITY_TOP = 5;
/** How many answers' worth of cohort mean a member's own mean is blended with. */
const QUALITY_PRIOR_ANSWERS = 3;

export function parsePeriod(value: string | undefined): LeaderboardPeriod {
  const period = (value ?? "week").trim().toLowerCase() || "week";
  if ((leaderboardPeriods as readonly string[]).includes(period)) return period as LeaderboardPeriod;
  throw new CoachingError("bad-arguments", `"${value}" is not a leaderboard period. Use week, month, season or all.`);
}

export async function leaderboard(deps: CoachDeps, address: CohortAddress, viewerRef: string, period: LeaderboardPeriod): Promise<Leaderboard> {
  const at = deps.clock.now();
  const read = await deps.repos.points.leaderboard(address, period, at, viewerRef, { top: TOP, qualityTop: QUALITY_TOP, qualityPriorAnswers: QUALITY_PRIOR_ANSWERS });
  if (!read) throw notACohort();
  const { cohort, board, quality } = read;
  const now = DateTime.fromJSDate(at, { zone: cohort.timeZone });
  const label =
    period === "week" ? `Week of ${now.startOf("week").toFormat("d LLL")}` : period === "month" ? now.toFormat("LLLL yyyy") : period === "season" ? `Season ${cohort.season}` : "All time";
  const row = ({ rank, userRef, displayName, points }: BoardRow): LeaderboardRow => ({ rank, userRef, displayName, points });
  const mine = board.find((r) => r.userRef === viewerRef);
  return {
    period,
    label,
    top: board.filter((r) => r.position <= TOP).map(row),
    around: mine && mine.position > TOP ? board.filter((r) => Math.abs(r.position - mine.position) <= 1).map(row) : [],
    me: mine && row(mine),
    quality: quality.map((s) => ({ rank: s.rank, userRef: s.userRef, displayName: s.displayName ?? "former member", score: s.score, answers: s.answers })),
  };
}

import { DateTime } from "luxon";
import { tally, type Row } from "../report.ts";
import { inWorld, until } from "../world.ts";
import { EVERY_DAY, local, slackPosts, TRACK } from "./common.ts";

/** Europe/Berlin leaves summer time on Sun 25 Oct 2026, America/New_York on Sun 1 Nov. */
const FIRST_DAY = "2026-10-24";
const DAYS = 10;
const ZONES = [
  { zone: "America/New_York", channel: "CDSTNY01" },
  { zone: "Europe/Berlin", channel: "CDSTBE01" },
] as const;

/**
 * 8. Daily cohorts in New York and Berlin from 24 Oct to 2 Nov, both DST changes inside.
 * The clock stops one minute before and at 09:00 local each day (and the replica ticks at
 * each stop), so a post claimed at any other instant shows as a loss.
 */
export function dstWeek(): Promise<Row> {
  return inWorld("s8", { start: local(FIRST_DAY, "00:00", "Pacific/Kiritimati") }, async (world) => {
    for (const { zone, channel } of ZONES) await world.addSlackCohort(channel, { trackId: TRACK, postTime: "09:00", timeZone: zone, weekdays: [...EVERY_DAY] }, []);
    await world.startReplicas(1);
    const days = Array.from({ length: DAYS }, (_, i) => DateTime.fromISO(FIRST_DAY).plus({ days: i }).toISODate()!);
    // Stops in time order across both zones (Berlin's 09:00 comes first every day).
    const stops = days
      .flatMap((date) => ZONES.flatMap(({ zone }) => [local(date, "08:59", zone), local(date, "09:00", zone)]))
      .sort((a, b) => a.getTime() - b.getTime());
    for (const stop of stops) await world.setClock(stop);
    await until("the last day's posts", async () => {
      const [row] = await world.query<{ n: number }>(`select count(*)::int as n from prompt_steps where step = 'post' and status = 'done'`);
      return (row?.n ?? 0) >= DAYS * ZONES.length ? true : undefined;
    });

    // The clock stands still between stops and the runner waits out each stop's tick, so a
    // post step's finish time is the instant it ran at: it must be 09:00 local that day.
    const expected = ZONES.flatMap(({ zone, channel }) => days.map((date) => `${channel}@${local(date, "09:00", zone).toISOString()}`));
    const ran = await world.query<{ channel_id: string; finished_at: Date }>(
      `select c.channel_id, s.finished_at from prompt_steps s join prompts p on p.id = s.prompt_id join cohorts c on c.id = p.cohort_id
        where s.step = 'post' and s.status = 'done'`,
    );
    const onTime = ran.map((r) => `${r.channel_id}@${new Date(r.finished_at).toISOString()}`);
    const steps = tally(expected, onTime);
    const posts = tally(
      ZONES.map((z) => z.channel),
      ZONES.flatMap(({ channel }) => slackPosts(world, channel).map(() => channel)),
    );
    const postCount = ZONES.reduce((sum, { channel }) => sum + slackPosts(world, channel).length, 0);
    return {
      scenario: "8. DST week: New York and Berlin, 24 Oct - 2 Nov, clock injected",
      expected: `${expected.length} posts, each at 09:00 local`,
      seen: `${steps.seen} posted at 09:00 local; ${postCount} posts in Slack`,
      duplicates: steps.duplicates + Math.max(0, postCount - expected.length),
      losses: steps.losses + posts.losses,
      crashes: world.crashes().length,
    };
  });
}

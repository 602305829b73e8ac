import { DateTime } from "luxon";
import type { World } from "../world.ts";

/** Monday 30 Nov 2026: a weekday posting date with no DST change near it. */
export const MONDAY = "2026-11-30";
export const WEEKDAYS = [1, 2, 3, 4, 5] as const;
export const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7] as const;
export const TRACK = "humana/ai-pm";

/** The instant a local wall-clock time falls on in a zone. */
export function local(date: string, time: string, zone = "America/New_York"): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate();
}

/** Top-level bot messages in a Slack channel: the daily posts (everything else goes in threads). */
export function slackPosts(world: World, channelId: string) {
  return world.slack.messages(channelId).filter((m) => m.bot_id && (!m.thread_ts || m.thread_ts === m.ts));
}

/** Bot messages in a Discord channel itself (threads are channels of their own). */
export function discordPosts(world: World, channelId: string) {
  return world.discord.messages(channelId).filter((m) => (m["author"] as { id?: string } | undefined)?.id === world.discord.botUser.id);
}

/** True once every cohort's post step for the day is done: no replica will post again. */
export async function allPostsDone(world: World, cohortCount: number): Promise<true | undefined> {
  const [row] = await world.query<{ done: number }>(`select count(*)::int as done from prompt_steps where step = 'post' and status = 'done'`);
  return (row?.done ?? 0) >= cohortCount ? true : undefined;
}

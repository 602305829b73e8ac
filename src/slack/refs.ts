import type { CohortAddress } from "../core/cohorts/types.ts";

/** Namespaced references shared with the engine (see the adapter conventions). */

export const userRef = (teamId: string, userId: string) => `slack:${teamId}:${userId}`;

export function parseUserRef(ref: string): { teamId: string; userId: string } {
  const match = /^slack:([^:]+):([UW][A-Z0-9]+)$/.exec(ref);
  if (!match) throw new Error(`not a Slack user ref: ${ref}`);
  return { teamId: match[1]!, userId: match[2]! };
}

export const messageRef = (teamId: string, channelId: string, ts: string) => `slack:${teamId}:${channelId}:${ts}`;

export function parseMessageRef(ref: string): { teamId: string; channelId: string; ts: string } {
  const match = /^slack:([^:]+):([A-Z0-9]+):(\d+\.\d+)$/.exec(ref);
  if (!match) throw new Error(`not a Slack message ref: ${ref}`);
  return { teamId: match[1]!, channelId: match[2]!, ts: match[3]! };
}

export const cohortAddress = (teamId: string, channelId: string): CohortAddress => ({ platform: "slack", workspaceId: teamId, channelId });

/** `<@U123>` or `<@U123|name>` as Slack escapes a mention in command text; a bare U123 is accepted too. */
export function parseMention(text: string | undefined): string | undefined {
  const match = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text?.trim() ?? "") ?? /^([UW][A-Z0-9]{2,})$/.exec(text?.trim() ?? "");
  return match?.[1];
}

/**
 * A Slack timestamp ("1700000000.123456": seconds and microseconds) as a Date, to the
 * millisecond; undefined for anything else, so a malformed payload falls back to our clock.
 */
export function slackTsToDate(ts: string | undefined): Date | undefined {
  const match = /^(\d{1,12})\.(\d{1,6})$/.exec(ts ?? "");
  if (!match) return undefined;
  return new Date(Number(match[1]) * 1000 + Math.floor(Number(match[2]!.padEnd(6, "0")) / 1000));
}

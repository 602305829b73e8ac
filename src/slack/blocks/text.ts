import type { webApi } from "@slack/bolt";
import { formatLocal } from "../../core/cohorts/schedule.ts";

export type Block = webApi.KnownBlock;
export type Button = webApi.Button;

/** Slack mrkdwn treats these three as control characters; user text must be escaped. */
export const escape = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** Section text is capped at 3,000 characters; answers can be 4,000, so they are split. */
export function sections(text: string, limit = 2_900): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < text.length || i === 0; i += limit) out.push(section(text.slice(i, i + limit) || " "));
  return out;
}

export const section = (text: string): Block => ({ type: "section", text: { type: "mrkdwn", text } });
export const context = (text: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text }] });
export const header = (text: string): Block => ({ type: "header", text: { type: "plain_text", text: text.slice(0, 150), emoji: true } });
export const divider: Block = { type: "divider" };

export function button(actionId: string, text: string, value: string, style?: "primary" | "danger"): Button {
  return { type: "button", action_id: actionId, text: { type: "plain_text", text, emoji: true }, value, ...(style ? { style } : {}) };
}

export const actions = (blockId: string, elements: Button[]): Block => ({ type: "actions", block_id: blockId, elements });

export const plural = (n: number, word: string) => (n === 1 ? word : `${word}s`);

export const difficultyLabel = (d: 1 | 2 | 3, level?: string) =>
  `${d === 1 ? "Warm-up" : d === 2 ? "Standard" : "Stretch"}${level ? ` · level ${level}` : ""}`;

/** A private reply: plain text plus blocks where the payload carries structure. */
export interface Reply {
  readonly text: string;
  readonly blocks?: Block[];
}

export const plain = (text: string): Reply => ({ text, blocks: [section(escape(text))] });

/**
 * A time every member reads in their own zone: Slack renders `<!date^...>` in the
 * viewer's local time; clients that cannot fall back to the cohort's zone, named.
 */
export const localTime = (instant: Date, timeZone: string): string =>
  `<!date^${Math.floor(instant.getTime() / 1000)}^{date_short_pretty} {time}|${formatLocal(instant, timeZone)} (${timeZone})>`;

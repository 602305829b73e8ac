import { DefaultRestOptions, type RESTOptions } from "discord.js";
import { SlotWindow } from "../slot-window.ts";

/** Discord's global limit for a bot's requests. */
export const GLOBAL_REQUESTS_PER_SECOND = 50;

type MakeRequest = RESTOptions["makeRequest"];

/**
 * Keeps the bot's requests within Discord's global limit in every second, not just in
 * discord.js's windows. discord.js counts the limit in fixed one-second windows that open
 * at each window's first request, so the end of one window and the start of the next
 * can put up to twice the limit into one second at Discord: a fan-out of 1,000 daily
 * posts (2,000 requests) drew 30 global 429s from the fake Discord, each holding every
 * request of the bot for a whole Retry-After second. Here each request also takes a slot
 * of a sliding second that frees a second after its answer (SlotWindow).
 * Interaction callbacks and follow-ups (webhook routes) are outside the global limit
 * and pass straight through, so a fan-out never delays an acknowledgement.
 */
export function globallyPaced(makeRequest: MakeRequest = DefaultRestOptions.makeRequest, perSecond = GLOBAL_REQUESTS_PER_SECOND): MakeRequest {
  const window = new SlotWindow(perSecond, 1_000);
  return (url, init) => (outsideGlobalLimit(url) ? makeRequest(url, init) : window.run("", () => makeRequest(url, init)));
}

const outsideGlobalLimit = (url: string) => /\/(interactions|webhooks)\//.test(new URL(url).pathname);

import type { App, webApi } from "@slack/bolt";
import type { Coach } from "../core/coach.ts";
import type { Actor } from "../core/cohorts/types.ts";
import { isCoachingError } from "../core/errors.ts";
import type { Logger } from "../logger.ts";
import { StoredNotShown } from "../stored-not-shown.ts";
import { plain, type Reply } from "./blocks/text.ts";
import type { HistoryBudget } from "./history-budget.ts";
import { SlotWindow } from "../slot-window.ts";
import type { SlackPoster } from "./poster.ts";
import { userRef } from "./refs.ts";

export const GENERIC_FAILURE = "Something went wrong on our side; nothing was changed. Please try again in a minute.";

/** Admin status changes rarely; a short cache keeps a burst of clicks from costing a users.info each. */
const ACTOR_TTL_MS = 60_000;

/** What every handler shares: the engine, the Web API client, identity lookups and error wording. */
export class SlackRuntime {
  private readonly actors = new Map<string, { actor: Actor; until: number }>();
  /** Changes to one review DM, stored one at a time (see changeReviewCard). */
  readonly cardChanges = new SlotWindow(1, 0);
  /** chat.update calls to one review DM, sent one at a time in the order their changes were stored. */
  readonly cardUpdates = new SlotWindow(1, 0);
  private readonly afterAckLane = new SlotWindow(1, 0);

  constructor(
    readonly app: App,
    readonly coach: Coach,
    readonly log: Logger,
    readonly history: HistoryBudget,
    private readonly poster: SlackPoster,
  ) {}

  get client(): webApi.WebClient {
    return this.app.client;
  }

  /**
   * Database work that follows an ack (a click's score, a /drill's question), one piece at
   * a time, each started from setImmediate. Requests in quick succession then wait here
   * rather than in the event loop: the next request is read and acked after at most one
   * piece, where every earlier one's statements and their callbacks would otherwise run
   * first (8x a bare Bolt app's ack p99 for clicks, 24x for /drill on PostgreSQL,
   * bench/slack-ack.ts). A piece is one request's few statements, so the queue drains far
   * faster than people click. /coach stays out of it: an export or a forget-me runs for
   * seconds and would hold every click's card behind it.
   */
  afterAck<T>(work: () => Promise<T>): Promise<T> {
    return this.afterAckLane.run("", () => new Promise<void>((resolve) => setImmediate(resolve)).then(work));
  }

  async actor(teamId: string, userId: string): Promise<Actor> {
    const key = `${teamId}:${userId}`;
    const cached = this.actors.get(key);
    if (cached && cached.until > Date.now()) return cached.actor;
    const { user } = await this.client.users.info({ user: userId });
    const actor: Actor = {
      userRef: userRef(teamId, userId),
      displayName: user?.profile?.display_name || user?.real_name || user?.name || userId,
      isPlatformAdmin: Boolean(user?.is_admin || user?.is_owner),
    };
    this.actors.set(key, { actor, until: Date.now() + ACTOR_TTL_MS });
    return actor;
  }

  /**
   * Expected mistakes show the engine's words; a stored change Slack would not show says
   * it was kept (a warning: nothing was lost); anything else is logged and shown generically.
   */
  failure(error: unknown, context: Record<string, unknown>): Reply {
    if (isCoachingError(error)) return plain(error.message);
    if (error instanceof StoredNotShown) {
      this.log.warn({ err: error.cause, ...context }, "change stored, but Slack would not show it");
      return plain(error.notice);
    }
    this.log.error({ err: error, ...context }, "slack handler failed");
    return plain(GENERIC_FAILURE);
  }

  /**
   * A private reply from a modal, which has no channel of its own: through the response_url
   * of the message that opened it (no scope, works in any channel), else by DM. `replaceOriginal`
   * swaps that message for the reply instead of adding one below it.
   */
  async replyPrivately(responseUrl: string | undefined, userId: string, reply: Reply, replaceOriginal = false): Promise<void> {
    if (responseUrl) {
      const response = await fetch(responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_type: "ephemeral", replace_original: replaceOriginal, text: reply.text, blocks: reply.blocks }),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.ok) return;
      this.log.warn({ status: response.status }, "response_url refused a private reply; sending it by DM");
    }
    await this.post({ channel: userId, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
  }

  /**
   * Posts at Slack's pace for the channel and the workspace (SlackPoster); `fence` runs
   * before each attempt, once the slots are held and after every wait, when any lease it
   * guards is at its shortest.
   */
  post(args: webApi.ChatPostMessageArguments, fence?: () => Promise<void>): Promise<webApi.ChatPostMessageResponse> {
    return this.poster.post(args, fence);
  }
}

/** Slack API error code of a failed Web API call, if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === "string" ? data.error : undefined;
}

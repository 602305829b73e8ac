import { answerReply, isThreadReply, type MessageLike } from "./events/message.ts";
import { parseMessageRef, slackTsToDate } from "./refs.ts";
import type { SlackRuntime } from "./runtime.ts";

export interface CatchUpReport {
  readonly threads: number;
  readonly replies: number;
  /** Open threads left unread because the workspace's history budget ran out; read on a later pass. */
  readonly deferred: number;
}

/**
 * Slack stops redelivering an event after three tries, so replies sent while the bot
 * was down or disconnected exist only in their threads. After start-up and after each
 * Socket Mode reconnect this reads the threads of prompts still taking answers, newest
 * first and within the history budget, and records each reply with its original time.
 * Replies already recorded change nothing and say nothing (the answer upsert sees them).
 */
export async function catchUpSlack(rt: SlackRuntime): Promise<CatchUpReport> {
  const open = (await rt.coach.promptsTakingAnswers())
    .filter((prompt) => prompt.messageRef?.startsWith("slack:"))
    .sort((a, b) => b.postAt.getTime() - a.postAt.getTime());
  let threads = 0;
  let replies = 0;
  let deferred = 0;
  for (const prompt of open) {
    const { teamId, channelId, ts } = parseMessageRef(prompt.messageRef!);
    if (!rt.history.tryTake(teamId)) {
      deferred++;
      continue;
    }
    try {
      let cursor: string | undefined;
      for (;;) {
        const page = await rt.client.conversations.replies({ channel: channelId, ts, limit: 200, ...(cursor ? { cursor } : {}) });
        for (const message of (page.messages ?? []) as (MessageLike & { ts: string })[]) {
          if (!isThreadReply(message)) continue;
          await answerReply(rt, teamId, channelId, message, { isNew: true, sentAt: slackTsToDate(message.edited?.ts ?? message.ts), quiet: true });
          replies++;
        }
        cursor = page.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
        if (!rt.history.tryTake(teamId)) {
          deferred++;
          break;
        }
      }
      threads++;
    } catch (error) {
      rt.log.warn({ err: error, promptId: prompt.id, channel: channelId }, "could not catch up on a thread");
    }
  }
  return { threads, replies, deferred };
}

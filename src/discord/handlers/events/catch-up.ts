import type { Message } from "discord.js";
import type { HandlerContext } from "../../context.ts";
import { threadIdOf } from "../../refs.ts";
import type { ThreadAnswers } from "./messages.ts";

const PAGE = 100;

/**
 * After a gateway reconnect, reads what was posted in open question threads while we
 * were away and feeds it to the engine in order. Overlap with live events is harmless:
 * answers are keyed by message.
 */
export async function catchUp(ctx: HandlerContext, answers: ThreadAnswers): Promise<number> {
  let fed = 0;
  for (const prompt of await ctx.coach.promptsTakingAnswers()) {
    // Slack prompts have no thread ref of this shape and are skipped here.
    const threadId = threadIdOf(prompt.threadRef);
    if (!threadId) continue;
    try {
      const thread = await ctx.client.channels.fetch(threadId);
      if (!thread?.isThread()) continue;
      // A thread's id is its starter message's, so every reply comes after it.
      let after = answers.lastSeen.get(threadId) ?? threadId;
      for (;;) {
        const page = await thread.messages.fetch({ after, limit: PAGE });
        const ordered = [...page.values()].sort((a: Message, b: Message) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        for (const message of ordered) {
          await answers.onMessage(message, true);
          fed++;
        }
        if (ordered.length < PAGE) break;
        after = ordered.at(-1)!.id;
      }
    } catch (error) {
      ctx.log.warn({ err: error, promptId: prompt.id, threadId }, "could not catch up on a thread");
    }
  }
  return fed;
}

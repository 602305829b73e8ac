import { setImmediate as nextTurn } from "node:timers/promises";
import type { ReviewCard } from "../../core/messages.ts";
import { renderReviewCard } from "../blocks/messages.ts";
import type { SlackRuntime } from "../runtime.ts";
import { showStored } from "../../stored-not-shown.ts";
import type { ButtonArgs } from "./types.ts";

/** The reviewer's DM a click came from, when Slack says which. */
export function clickedMessage(args: Pick<ButtonArgs, "body">): { channel: string; ts: string } | undefined {
  const channel = args.body.container?.channel_id ?? args.body.channel?.id;
  const ts = args.body.container?.message_ts ?? args.body.message?.ts;
  return channel && ts ? { channel, ts } : undefined;
}

/**
 * Stores a change to a review (`change` returns the card it leaves) and rewrites the
 * reviewer's DM to that card. Changes to one DM are stored one at a time, each reading
 * what the one before it wrote, and their cards are sent in that order, so two quick
 * clicks never leave the older state showing, without reading the card a second time.
 * A change waits only for the previous change's database work, never for its chat.update:
 * a slow or rate-limited Slack does not hold a click back from the database.
 * A chat.update that fails after the change was stored reports `notice`, not "nothing was changed".
 */
export async function changeReviewCard(rt: SlackRuntime, message: { channel: string; ts: string } | undefined, notice: string, change: () => Promise<ReviewCard>): Promise<void> {
  if (!message) {
    await rt.afterAck(change);
    return;
  }
  const key = `${message.channel}:${message.ts}`;
  let shown: Promise<unknown> | undefined;
  await rt.cardChanges.run(key, async () => {
    const card = await rt.afterAck(change);
    shown = rt.cardUpdates.run(key, async () => {
      // On a turn of its own: the statement that stored the change just held the event loop
      // (PGlite runs it on this thread), and a click waiting for its ack is let in before the
      // card is rendered and the request built.
      await nextTurn();
      const { text, blocks } = renderReviewCard(card);
      return rt.client.chat.update({ channel: message.channel, ts: message.ts, text, blocks: blocks ?? [] });
    });
  });
  await showStored(notice, async () => shown);
}

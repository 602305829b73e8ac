import { renderReviewCard } from "../blocks/messages.ts";
import type { SlackRuntime } from "../runtime.ts";
import type { ButtonArgs } from "./types.ts";

/**
 * Rewrites the reviewer's DM to match the database. Updates to one message run one at a
 * time and each reads the card afresh, so two quick clicks never leave the older state showing.
 */
export async function refreshReviewCard(args: Pick<ButtonArgs, "body">, rt: SlackRuntime, assignmentId: number, reviewerRef: string): Promise<void> {
  const channel = args.body.container?.channel_id ?? args.body.channel?.id;
  const ts = args.body.container?.message_ts ?? args.body.message?.ts;
  if (!channel || !ts) return;
  await updateCard(rt, channel, ts, assignmentId, reviewerRef);
}

export async function updateCard(rt: SlackRuntime, channel: string, ts: string, assignmentId: number, reviewerRef: string): Promise<void> {
  await rt.serial.run(`${channel}:${ts}`, async () => {
    const card = await rt.coach.showReview(assignmentId, reviewerRef);
    const { text, blocks } = renderReviewCard(card);
    await rt.client.chat.update({ channel, ts, text, blocks: blocks ?? [] });
  });
}

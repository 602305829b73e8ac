import type { App } from "@slack/bolt";
import type { AnsweredWithFollowUp } from "../../core/follow-ups/offer-follow-up.ts";
import { withFollowUp } from "../blocks/follow-ups.ts";
import { answerReceipt } from "../blocks/replies.ts";
import type { Reply } from "../blocks/text.ts";
import { messageRef } from "../refs.ts";
import { slackErrorCode, type SlackRuntime } from "../runtime.ts";

/** The fields of message events this app reads; Bolt's union is wider than we need. */
interface MessageLike {
  readonly subtype?: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly text?: string;
  readonly ts: string;
  readonly thread_ts?: string;
}

interface MessageEventLike extends MessageLike {
  readonly channel: string;
  readonly message?: MessageLike;
  readonly previous_message?: MessageLike;
  readonly deleted_ts?: string;
}

const isThreadReply = (m: MessageLike | undefined): m is MessageLike & { thread_ts: string; user: string } =>
  Boolean(m && m.thread_ts && m.thread_ts !== m.ts && m.user && !m.bot_id && (m.subtype === undefined || m.subtype === "thread_broadcast"));

export const ANSWER_REACTION = "white_check_mark";

/**
 * Thread replies under a daily question are answers: new, edited (message_changed) or
 * deleted (message_deleted). Retried deliveries run again; the engine's upsert makes
 * that harmless.
 */
export function registerMessageEvents(app: App, rt: SlackRuntime): void {
  app.event("message", async ({ event, context, body }) => {
    const e = event as unknown as MessageEventLike;
    const teamId = context.teamId ?? (body as { team_id?: string }).team_id ?? "";
    if (e.subtype === "message_deleted") {
      const deletedTs = e.deleted_ts ?? e.previous_message?.ts;
      if (deletedTs && isThreadReply(e.previous_message)) await withdraw(rt, teamId, e.channel, deletedTs, e.previous_message.user);
      return;
    }
    const message = e.subtype === "message_changed" ? e.message : e;
    if (!isThreadReply(message)) return;
    await answer(rt, teamId, e.channel, message, e.subtype !== "message_changed");
  });
}

async function answer(rt: SlackRuntime, teamId: string, channel: string, message: MessageLike & { thread_ts: string; user: string }, isNew: boolean): Promise<void> {
  let reply: Reply;
  let receipt: AnsweredWithFollowUp | undefined;
  try {
    const prompt = await rt.coach.findPrompt(messageRef(teamId, channel, message.thread_ts));
    if (!prompt) return;
    const actor = await rt.actor(teamId, message.user);
    receipt = await rt.coach.answer({ prompt: prompt.id, actor, text: message.text ?? "", sourceRef: messageRef(teamId, channel, message.ts) });
    // Slack redelivers an event it thinks we missed; the member already has their check and reaction.
    if (!receipt.changed) return;
    reply = withFollowUp(answerReceipt(receipt.check, receipt.created, receipt.streak), receipt.followUp);
  } catch (error) {
    reply = rt.failure(error, { event: "message", channel, ts: message.ts, user: message.user });
  }
  if (receipt && isNew) await react(rt, channel, message.ts);
  await rt.client.chat.postEphemeral({ channel, user: message.user, thread_ts: message.thread_ts, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
}

async function react(rt: SlackRuntime, channel: string, ts: string): Promise<void> {
  try {
    await rt.client.reactions.add({ channel, timestamp: ts, name: ANSWER_REACTION });
  } catch (error) {
    // A retried delivery reacts twice; Slack says already_reacted, which is the state we want.
    if (slackErrorCode(error) !== "already_reacted") throw error;
  }
}

async function withdraw(rt: SlackRuntime, teamId: string, channel: string, ts: string, userId: string): Promise<void> {
  try {
    await rt.coach.withdraw({ sourceRef: messageRef(teamId, channel, ts) });
  } catch (error) {
    const reply = rt.failure(error, { event: "message_deleted", channel, ts });
    await rt.client.chat.postEphemeral({ channel, user: userId, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
  }
}

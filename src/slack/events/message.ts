import type { App } from "@slack/bolt";
import type { AnsweredWithFollowUp } from "../../core/follow-ups/offer-follow-up.ts";
import { withFollowUp } from "../blocks/follow-ups.ts";
import { answerReceipt } from "../blocks/replies.ts";
import type { Reply } from "../blocks/text.ts";
import { isCoachingError } from "../../core/errors.ts";
import { messageRef, slackTsToDate } from "../refs.ts";
import { slackErrorCode, type SlackRuntime } from "../runtime.ts";

/** The fields of message events this app reads; Bolt's union is wider than we need. */
export interface MessageLike {
  readonly subtype?: string;
  readonly edited?: { readonly ts?: string };
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

export const isThreadReply = (m: MessageLike | undefined): m is MessageLike & { thread_ts: string; user: string } =>
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
    const isNew = e.subtype !== "message_changed";
    // A new message is judged by when it was sent; an edit by now (its ts is the original message's).
    await answerReply(rt, teamId, e.channel, message, { isNew, sentAt: isNew ? slackTsToDate(message.ts) : undefined });
  });
}

/**
 * Records one thread reply as an answer and tells its author privately. `quiet` (the
 * catch-up) logs a refusal instead of telling the member about an old message.
 */
export async function answerReply(
  rt: SlackRuntime,
  teamId: string,
  channel: string,
  message: MessageLike & { thread_ts: string; user: string },
  options: { isNew: boolean; sentAt: Date | undefined; quiet?: boolean },
): Promise<void> {
  const { isNew } = options;
  let reply: Reply;
  let receipt: AnsweredWithFollowUp | undefined;
  try {
    const prompt = await rt.coach.findPrompt(messageRef(teamId, channel, message.thread_ts));
    if (!prompt) return;
    const actor = await rt.actor(teamId, message.user);
    receipt = await rt.coach.answer({ prompt: prompt.id, actor, text: message.text ?? "", sourceRef: messageRef(teamId, channel, message.ts), sentAt: options.sentAt });
    // Slack redelivers an event it thinks we missed; the member already has their check and reaction.
    if (!receipt.changed) return;
    reply = withFollowUp(answerReceipt(receipt.check, receipt.created, receipt.streak), receipt.followUp);
  } catch (error) {
    if (options.quiet && isCoachingError(error)) {
      rt.log.info({ channel, ts: message.ts, code: error.code }, "missed thread reply refused on catch-up");
      return;
    }
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

import type { BaseMessageOptions, Message, OmitPartialGroupDMChannel, PartialMessage } from "discord.js";
import type { Actor } from "../../../core/cohorts/types.ts";
import { isCoachingError } from "../../../core/errors.ts";
import type { AnsweredWithFollowUp } from "../../../core/follow-ups/offer-follow-up.ts";
import type { HandlerContext } from "../../context.ts";
import { sourceRef, threadRef, userRef } from "../../refs.ts";
import { withFollowUp } from "../../ui/follow-ups.ts";

/**
 * Plain replies in a question's thread are answers (with the Message Content intent);
 * edits replace the answer and deletes withdraw it. The engine keys answers by
 * message, so a message seen twice (gateway replay, catch-up) changes nothing.
 */
export class ThreadAnswers {
  /** Thread id -> prompt id; only hits are kept, since a new thread is recorded just after it is created. */
  private readonly prompts = new Map<string, number>();
  /** Newest message id handled per thread: where a catch-up starts reading. */
  readonly lastSeen = new Map<string, string>();

  constructor(private readonly ctx: HandlerContext) {}

  async promptOf(threadId: string): Promise<number | undefined> {
    const cached = this.prompts.get(threadId);
    if (cached !== undefined) return cached;
    const prompt = await this.ctx.coach.findPrompt(threadRef(threadId));
    if (prompt) this.prompts.set(threadId, prompt.id);
    return prompt?.id;
  }

  /** `quiet` (catch-up) logs refusals instead of telling the member about an old message. */
  async onMessage(message: OmitPartialGroupDMChannel<Message>, quiet = false): Promise<void> {
    if (message.author.bot || message.system || message.webhookId || !message.guildId) return;
    let promptId: number | undefined;
    try {
      promptId = await this.promptOf(message.channelId);
    } catch (error) {
      // The database stayed away: a reply in a thread may have been an answer, so its author hears it was not recorded.
      if (!isCoachingError(error) || !message.channel.isThread()) throw error;
      if (!quiet) await this.tellAuthor(message, error.message);
      return;
    }
    if (promptId === undefined) return;
    this.noteSeen(message.channelId, message.id);
    if (message.content.trim() === "") {
      // Without the Message Content intent every reply arrives empty; the Answer button still works.
      this.ctx.log.debug({ messageId: message.id }, "thread reply without content ignored");
      return;
    }
    const actor: Actor = {
      userRef: userRef(message.author.id),
      displayName: message.member?.displayName ?? message.author.globalName ?? message.author.username,
      isPlatformAdmin: false,
    };
    let receipt: AnsweredWithFollowUp;
    try {
      receipt = await this.ctx.coach.answer({ prompt: promptId, actor, text: message.content, sourceRef: sourceRef(message.id) });
    } catch (error) {
      if (!isCoachingError(error)) throw error;
      if (quiet) {
        this.ctx.log.info({ messageId: message.id, code: error.code }, "missed thread reply refused on catch-up");
        return;
      }
      await this.tellAuthor(message, error.message);
      return;
    }
    await message.react("✅").catch((error: unknown) => this.ctx.log.warn({ err: error, messageId: message.id }, "could not mark an answer"));
    // A thread has no private reply, so the interviewer follow-up goes by DM.
    if (receipt.followUp) await this.tellAuthor(message, withFollowUp({}, receipt.followUp));
  }

  async onUpdate(message: OmitPartialGroupDMChannel<Message | PartialMessage>): Promise<void> {
    if (!message.guildId || (await this.promptOf(message.channelId)) === undefined) return;
    const full = message.partial ? await message.fetch() : message;
    await this.onMessage(full);
  }

  async onDelete(message: OmitPartialGroupDMChannel<Message | PartialMessage>): Promise<void> {
    if (!message.guildId || (await this.promptOf(message.channelId)) === undefined) return;
    try {
      await this.ctx.coach.withdraw({ sourceRef: sourceRef(message.id) });
    } catch (error) {
      if (!isCoachingError(error)) throw error;
      this.ctx.log.info({ messageId: message.id, code: error.code }, "deleted answer kept: its window is closed");
    }
  }

  private noteSeen(threadId: string, messageId: string): void {
    const previous = this.lastSeen.get(threadId);
    if (!previous || BigInt(messageId) > BigInt(previous)) this.lastSeen.set(threadId, messageId);
  }

  /** Thread replies have no private reply; a DM is the only private channel, and it may be closed. */
  private async tellAuthor(message: Message, content: string | BaseMessageOptions): Promise<void> {
    try {
      await message.author.send(content);
    } catch (error) {
      this.ctx.log.info({ err: error, userId: message.author.id }, "could not DM a member about their reply");
    }
  }
}

import { DiscordAPIError, EmbedBuilder, ThreadAutoArchiveDuration, type BaseMessageOptions, type Client, type Message } from "discord.js";
import { aiAlertText, drillComparisonLines, type CoachMessage, type Destination, type Messenger, type PostedMessage, type SendOptions } from "../core/messages.ts";
import type { Logger } from "../logger.ts";
import { nonceFor, promptMessageRef, threadIdOf, threadRef, userIdOf } from "./refs.ts";
import { feedbackEmbed } from "./ui/feedback.ts";
import { clip, limits } from "./ui/text.ts";
import { promptPost, threadName } from "./ui/prompt.ts";
import { answerReminder, noReviews, results, reviewerReminder, reviewsOpen } from "./ui/thread.ts";

const THREAD_ALREADY_EXISTS = 160004;

/**
 * Renders the engine's messages. Every post carries a nonce derived from the engine's
 * idempotency key with enforce_nonce, so a send retried after a crash returns the
 * first message instead of creating a second one.
 *
 * A step's fence runs right before each post is handed to discord.js. Waits after that
 * happen inside @discordjs/rest (its rate-limit buckets and 429s), out of the fence's
 * reach, and the nonce covers them: a post held there past its step's lease that lands
 * after the retaker's copy gets that copy back, provided it lands within Discord's nonce
 * window (a few minutes). Being held that long on top of the two-minute lease would take
 * a queue of thousands of requests at Discord's 50 a second.
 */
export class DiscordMessenger implements Messenger {
  constructor(
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  async send(to: Destination, message: CoachMessage, idempotencyKey: string, options: SendOptions = {}): Promise<PostedMessage> {
    const nonce = nonceFor(idempotencyKey);
    if (message.kind === "prompt") {
      const posted = await this.post(to.kind === "user" ? await this.dmChannelId(to.userRef) : to.cohort.channelId, promptPost(message), nonce, options.fence);
      const thread = await this.threadFor(posted, threadName(message));
      return { messageRef: promptMessageRef(posted.channelId, posted.id), threadRef: threadRef(thread) };
    }
    if (message.kind === "review-request") {
      // Reviewers work from the thread's Review button; a DM per assignment would duplicate it.
      this.log.debug({ assignmentId: message.card.assignmentId }, "review request not sent as a DM (Review button in the thread)");
      return { messageRef: `discord:not-sent:${nonce}`, threadRef: null };
    }
    const channelId =
      to.kind === "user" ? await this.dmChannelId(to.userRef) : to.kind === "thread" ? (threadIdOf(to.threadRef) ?? to.cohort.channelId) : to.cohort.channelId;
    const posted = await this.post(channelId, render(message), nonce, options.fence);
    return { messageRef: promptMessageRef(posted.channelId, posted.id), threadRef: null };
  }

  private async post(channelId: string, payload: BaseMessageOptions, nonce: string, fence: SendOptions["fence"]): Promise<Message> {
    const channel = await this.client.channels.fetch(channelId);
    if (!channel?.isSendable()) throw new Error(`Discord channel ${channelId} is missing or not one the bot can post in`);
    await fence?.();
    return channel.send({ ...payload, nonce, enforceNonce: true });
  }

  /** A retried post gets the first message back, which may already have its thread (thread id = message id). */
  private async threadFor(message: Message, name: string): Promise<string> {
    if (message.hasThread && message.thread) return message.thread.id;
    try {
      return (await message.startThread({ name, autoArchiveDuration: ThreadAutoArchiveDuration.OneDay })).id;
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === THREAD_ALREADY_EXISTS) return message.id;
      throw error;
    }
  }

  private async dmChannelId(ref: string): Promise<string> {
    const user = await this.client.users.fetch(userIdOf(ref));
    return (await user.createDM()).id;
  }
}

function render(message: Exclude<CoachMessage, { kind: "prompt" | "review-request" }>): BaseMessageOptions {
  switch (message.kind) {
    case "answer-reminder":
      return answerReminder(message);
    case "reviews-open":
      return reviewsOpen(message);
    case "no-reviews":
      return noReviews(message);
    case "reviewer-reminder":
      return reviewerReminder(message);
    case "results":
      return results(message);
    case "feedback":
      return { embeds: [feedbackEmbed(message.feedback)] };
    case "ai-alert":
      return { content: aiAlertText(message) };
    case "drill-ai-review":
      return {
        embeds: [
          new EmbedBuilder()
            .setTitle(clip(`The AI reviewer (${message.comparison.model}) on your drill answer`, limits.title))
            .setDescription(clip([message.questionPrompt, "", ...drillComparisonLines(message.comparison).map((l) => `• ${l}`)].join("\n"), limits.description))
            .setFooter({ text: "Its uncorrected view next to your self-rating: no peers calibrate drills. It changes nothing in your schedule or points." }),
        ],
      };
  }
}

import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type BaseMessageOptions } from "discord.js";
import type { FollowUpReceipt } from "../../core/follow-ups/answer-follow-up.ts";
import type { FollowUpOffer } from "../../core/follow-ups/offer-follow-up.ts";
import { customIds } from "../custom-ids.ts";
import { checkFields } from "./check.ts";
import { clip, limits } from "./text.ts";

export const PUSHBACK = "An interviewer would push back";

const pushbackEmbed = (question: string) => new EmbedBuilder().setTitle(PUSHBACK).setDescription(clip(question, limits.description));

/** Adds the follow-up and its Answer button to a private answer receipt (or sends them alone, by DM). */
export function withFollowUp(message: BaseMessageOptions, offer: FollowUpOffer | undefined): BaseMessageOptions {
  if (!offer) return message;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customIds.followUp(offer.answerId)).setLabel("Answer the follow-up").setStyle(ButtonStyle.Primary),
  );
  return {
    ...message,
    embeds: [...(message.embeds ?? []), pushbackEmbed(offer.question).setFooter({ text: "Your reviewers see your answer to it under your main answer." })],
    components: [...(message.components ?? []), row],
  };
}

export function followUpReceiptEmbed(receipt: FollowUpReceipt): EmbedBuilder {
  return new EmbedBuilder()
    .setTitle(receipt.created ? "Follow-up answer recorded" : "Follow-up answer updated (it replaces your earlier one)")
    .setDescription(clip(`${PUSHBACK}: ${receipt.question}\nYour reviewers see your answer under your main answer.`, limits.description))
    .addFields(checkFields(receipt.check));
}

/** Between a drill answer and its self-rating: answer the pushback, or skip straight to rating. */
export function drillFollowUpRow(attemptId: number): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customIds.drillFollowUp(attemptId)).setLabel("Answer the follow-up").setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(customIds.drillSkip(attemptId)).setLabel("Skip to self-rating").setStyle(ButtonStyle.Secondary),
  );
}

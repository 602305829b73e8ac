import { ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from "discord.js";
import { MAX_ANSWER_LENGTH } from "../../../core/answers/submit-answer.ts";
import { actorOf, replyWith, type ButtonHandler, type ModalHandler } from "../../context.ts";
import { storedNotices } from "../../stored-notices.ts";
import { customIds, intArg } from "../../custom-ids.ts";
import { answerReceiptEmbed } from "../../ui/check.ts";
import { withFollowUp } from "../../ui/follow-ups.ts";
import { CoachingError } from "../../../core/errors.ts";

/** `earlier` prefills the form with the answer it would replace. */
export function answerModal(customId: string, title: string, earlier?: string | null): ModalBuilder {
  const input = new TextInputBuilder().setCustomId("answer").setLabel("Your answer").setStyle(TextInputStyle.Paragraph).setMaxLength(MAX_ANSWER_LENGTH).setRequired(true);
  if (earlier) input.setValue(earlier);
  return new ModalBuilder().setCustomId(customId).setTitle(title).addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
}

export function numericArg(value: string | undefined): number {
  const n = intArg(value);
  if (n === undefined) throw new CoachingError("bad-arguments", "That button is not one of ours any more. Use the latest message.");
  return n;
}

/** The daily post's Answer button: a modal works even without the Message Content intent. */
export const answerButton: ButtonHandler = (interaction, _ctx, [promptId]) =>
  interaction.showModal(answerModal(customIds.answerModal(numericArg(promptId)), "Your answer"));

export const answerSubmit: ModalHandler = (interaction, { coach }, [promptId]) =>
  replyWith(interaction, async () => {
    const receipt = await coach.answer({
      prompt: numericArg(promptId),
      actor: actorOf(interaction),
      text: interaction.fields.getTextInputValue("answer"),
      sourceRef: null,
    });
    return withFollowUp({ embeds: [answerReceiptEmbed(receipt)] }, receipt.followUp);
  }, { stored: storedNotices.answer });

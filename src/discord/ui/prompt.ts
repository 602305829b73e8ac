import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type BaseMessageOptions } from "discord.js";
import type { CoachMessage } from "../../core/messages.ts";
import { customIds } from "../custom-ids.ts";
import { clip, difficultyLabel, limits, localTime } from "./text.ts";

type PromptMessage = Extract<CoachMessage, { kind: "prompt" }>;

export function promptPost(message: PromptMessage): BaseMessageOptions {
  const q = message.question;
  const embed = new EmbedBuilder()
    .setTitle(clip(`${q.company} · ${q.role}`, limits.title))
    .setDescription(clip(q.prompt, limits.description))
    .addFields(
      { name: "Round", value: clip(message.round, limits.fieldValue), inline: true },
      { name: "Difficulty", value: difficultyLabel(q.difficulty, q.level), inline: true },
      { name: "Time box", value: `${q.minutes} min`, inline: true },
      { name: "Answers close", value: localTime(message.answersCloseAt) },
    )
    .setFooter({ text: "Press Answer, or reply in the thread. One answer each; sending again replaces it." });
  if (q.hint) embed.addFields({ name: "Hint", value: clip(`||${q.hint}||`, limits.fieldValue) });
  if (message.aiReviewer) {
    embed.addFields({ name: "AI reviewer on", value: clip(`${message.aiReviewer}: it scores every answer too, kept apart from your peers' scores and calibrated by them.`, limits.fieldValue) });
  }
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customIds.answer(message.promptId)).setLabel("Answer").setStyle(ButtonStyle.Primary),
  );
  return { embeds: [embed], components: [row] };
}

export const threadName = (message: PromptMessage) => clip(`Answers: ${message.question.company}, ${message.round}`, limits.threadName);

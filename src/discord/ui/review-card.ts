import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type BaseMessageOptions } from "discord.js";
import type { ReviewCard } from "../../core/messages.ts";
import { customIds } from "../custom-ids.ts";
import { PUSHBACK } from "./follow-ups.ts";
import { clip, limits, localTime } from "./text.ts";

/**
 * One assignment as an ephemeral card: a row of 1-5 buttons per criterion (rubrics
 * have at most four, leaving the fifth row for Submit and Comment).
 */
export function reviewCardMessage(card: ReviewCard, progress?: { remaining: number; total: number }): BaseMessageOptions {
  const embed = new EmbedBuilder()
    .setTitle(clip(`Review: ${card.company}`, limits.title))
    .setDescription(reviewDescription(card))
    .addFields(
      card.criteria.map((c, i) => ({
        name: clip(`Row ${i + 1}: ${c.label}${c.chosen !== undefined ? ` (you: ${c.chosen}${c.peers ? `; others: ${c.peers.mean.toFixed(1)} from ${c.peers.count}` : ""})` : ""}`, limits.fieldName),
        value: clip(`1: ${c.levels[1]}\n3: ${c.levels[3]}\n5: ${c.levels[5]}`, limits.fieldValue),
      })),
    )
    .setFooter({
      text: `${card.submitted ? "Submitted." : "Score every row, then Submit."}${progress ? ` ${progress.total - progress.remaining + (card.submitted ? 0 : 1)} of ${progress.total}.` : ""}`,
    });
  // Footers show timestamps as raw text, so the deadline is a field.
  embed.addFields({ name: "Reviews close", value: localTime(card.reviewsCloseAt) });
  if (card.comment) embed.addFields({ name: "Your comment", value: clip(card.comment, limits.fieldValue) });
  const rows = card.criteria.map((c) =>
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      [1, 2, 3, 4, 5].map((score) =>
        new ButtonBuilder()
          .setCustomId(customIds.score(card.assignmentId, c.id, score))
          .setLabel(String(score))
          .setStyle(c.chosen === score ? ButtonStyle.Primary : ButtonStyle.Secondary)
          .setDisabled(card.submitted),
      ),
    ),
  );
  rows.push(
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(customIds.submit(card.assignmentId)).setLabel("Submit").setStyle(ButtonStyle.Success).setDisabled(card.submitted),
      new ButtonBuilder().setCustomId(customIds.comment(card.assignmentId)).setLabel("Comment").setStyle(ButtonStyle.Secondary).setDisabled(card.submitted),
    ),
  );
  return { content: "", embeds: [embed], components: rows };
}

const quote = (text: string) => text.replace(/^/gm, "> ");
/** Room kept for the follow-up when the answer is long; Discord's description holds 4,096 characters. */
const FOLLOW_UP_BUDGET = 1_500;

/** The blind answer, then the follow-up and the author's answer to it, scored together. */
function reviewDescription(card: ReviewCard): string {
  const heading = `**Question**\n${card.questionPrompt}\n\n**Answer** (author hidden)\n`;
  if (!card.followUp) return clip(`${heading}>>> ${card.answerText}`, limits.description);
  const answer = `${heading}${quote(card.answerText)}`;
  const followUp = clip(`\n\n**Follow-up**, scored with the answer: ${PUSHBACK}: ${card.followUp.question}\n${quote(card.followUp.answer)}`, FOLLOW_UP_BUDGET);
  return `${clip(answer, limits.description - followUp.length)}${followUp}`;
}

/**
 * Submit moves straight on to the next card, so the one just submitted says how the other
 * reviewers of that answer scored it here (it was hidden while this reviewer scored).
 */
export function submittedNote(card: ReviewCard): string {
  const compared = card.criteria.flatMap((c) => (c.peers && c.chosen !== undefined ? [`${c.label}: you ${c.chosen}, others ${c.peers.mean.toFixed(1)}`] : []));
  return compared.length > 0 ? `Submitted. Other reviewers of that answer so far: ${compared.join("; ")}.` : "Submitted.";
}

export function reviewsDone(total: number, note = ""): BaseMessageOptions {
  return {
    content: `${note ? `${note}\n` : ""}${total === 0 ? "You have no reviews assigned for this question." : `All ${total} of your reviews are submitted. Thank you!`}`,
    embeds: [],
    components: [],
  };
}

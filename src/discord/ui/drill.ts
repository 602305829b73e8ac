import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type BaseMessageOptions } from "discord.js";
import type { DrillCard } from "../../core/drills/drill.ts";
import type { DrillFeedbackWithFollowUp } from "../../core/follow-ups/drill-follow-up.ts";
import type { Question } from "../../core/questions/types.ts";
import { customIds } from "../custom-ids.ts";
import { checkFields } from "./check.ts";
import { drillFollowUpRow, PUSHBACK } from "./follow-ups.ts";
import { clip, difficultyLabel, limits, outlineFields, packedFields } from "./text.ts";

export function drillQuestion(card: DrillCard): BaseMessageOptions {
  const q = card.question;
  const embed = new EmbedBuilder()
    .setTitle(clip(`Drill: ${q.company} · ${q.category.label}`, limits.title))
    .setDescription(clip(q.prompt, limits.description))
    .addFields(
      { name: "Difficulty", value: difficultyLabel(q.difficulty, q.level), inline: true },
      { name: "Time box", value: `${q.minutes} min`, inline: true },
      { name: "Why this one", value: clip(card.reason, limits.fieldValue) },
    );
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customIds.drillAnswer(card.attemptId)).setLabel("Answer").setStyle(ButtonStyle.Primary),
  );
  return { embeds: [embed], components: [row] };
}

/** One row of 1-5 per criterion plus Save; the chosen ratings ride along in the ids. */
export function ratingRows(attemptId: number, ratings: string): ActionRowBuilder<ButtonBuilder>[] {
  const rows = [...ratings].map((chosen, index) =>
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      [1, 2, 3, 4, 5].map((score) =>
        new ButtonBuilder()
          .setCustomId(customIds.drillRate(attemptId, ratings, index, score))
          .setLabel(String(score))
          .setStyle(String(score) === chosen ? ButtonStyle.Primary : ButtonStyle.Secondary),
      ),
    ),
  );
  rows.push(
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(customIds.drillSave(attemptId, ratings)).setLabel("Save rating").setStyle(ButtonStyle.Success).setDisabled(ratings.includes("0")),
    ),
  );
  return rows;
}

export function rateYourselfFields(q: Question): { name: string; value: string }[] {
  return packedFields(
    "Rate yourself, one row per criterion",
    q.rubric.criteria.map((c, i) => `Row ${i + 1}: ${c.label} (1: ${c.levels[1]} / 5: ${c.levels[5]})`),
  );
}

export function drillFeedback(feedback: DrillFeedbackWithFollowUp): BaseMessageOptions {
  const q = feedback.question;
  const embed = new EmbedBuilder()
    .setTitle(clip(`Drill: ${q.company} · ${q.category.label}`, limits.title))
    .setDescription(clip(q.prompt, limits.description))
    .addFields(checkFields(feedback.check));
  embed.addFields(outlineFields(q.outline));
  // With a follow-up, the interviewer's pushback comes before the self-rating.
  if (feedback.followUp) return { embeds: [embed.addFields({ name: PUSHBACK, value: clip(feedback.followUp, limits.fieldValue) })], components: [drillFollowUpRow(feedback.attemptId)] };
  embed.addFields(rateYourselfFields(q));
  return { embeds: [embed], components: ratingRows(feedback.attemptId, "0".repeat(q.rubric.criteria.length)) };
}

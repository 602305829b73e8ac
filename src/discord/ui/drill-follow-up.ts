import { EmbedBuilder, type BaseMessageOptions } from "discord.js";
import type { DrillRatingStep } from "../../core/follow-ups/drill-follow-up.ts";
import { checkFields } from "./check.ts";
import { ratingRows, rateYourselfFields } from "./drill.ts";
import { PUSHBACK } from "./follow-ups.ts";
import { clip, limits, outlineFields } from "./text.ts";

/** The self-rating step: the follow-up answer and its check sit above the rating rows, rated together with the answer. */
export function drillRatingMessage(step: DrillRatingStep): BaseMessageOptions {
  const q = step.question;
  const embed = new EmbedBuilder().setTitle(clip(`Drill: ${q.company} · ${q.category.label}`, limits.title)).setDescription(clip(q.prompt, limits.description));
  if (step.followUp) {
    embed.addFields(
      { name: PUSHBACK, value: clip(step.followUp.question, limits.fieldValue) },
      // Only a reminder of what they just wrote: the outline and the rubric need the embed's room.
      { name: "Your follow-up answer", value: clip(step.followUp.answer, 400) },
      ...checkFields(step.followUp.check),
    );
  }
  embed.addFields(outlineFields(q.outline));
  embed.addFields(rateYourselfFields(q));
  return { content: "", embeds: [embed], components: ratingRows(step.attemptId, "0".repeat(q.rubric.criteria.length)) };
}

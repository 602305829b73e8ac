import { EmbedBuilder, type BaseMessageOptions } from "discord.js";
import type { DrillRatingStep } from "../../core/follow-ups/drill-follow-up.ts";
import { checkFields } from "./check.ts";
import { ratingRows, rateYourselfField } from "./drill.ts";
import { PUSHBACK } from "./follow-ups.ts";
import { clip, limits } from "./text.ts";

/** The self-rating step: the follow-up answer and its check sit above the rating rows, rated together with the answer. */
export function drillRatingMessage(step: DrillRatingStep): BaseMessageOptions {
  const q = step.question;
  const embed = new EmbedBuilder().setTitle(clip(`Drill: ${q.company} · ${q.category.label}`, limits.title)).setDescription(clip(q.prompt, limits.description));
  if (step.followUp) {
    embed.addFields(
      { name: PUSHBACK, value: clip(step.followUp.question, limits.fieldValue) },
      { name: "Your follow-up answer", value: clip(step.followUp.answer, limits.fieldValue) },
      ...checkFields(step.followUp.check),
    );
  }
  if (q.outline.length > 0) embed.addFields({ name: "A strong answer covers", value: clip(q.outline.map((o) => `• ${o}`).join("\n"), limits.fieldValue) });
  embed.addFields(rateYourselfField(q));
  return { content: "", embeds: [embed], components: ratingRows(step.attemptId, "0".repeat(q.rubric.criteria.length)) };
}

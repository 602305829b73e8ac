import { EmbedBuilder } from "discord.js";
import { aiFeedbackText, type AuthorFeedback } from "../../core/messages.ts";
import { clip, limits, outlineFields } from "./text.ts";

export function feedbackEmbed(feedback: AuthorFeedback): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setTitle(clip(`Your feedback: ${feedback.company}`, limits.title))
    .setDescription(clip(feedback.questionPrompt, limits.description));
  embed.addFields({
    name: "Scores (corrected for reviewer bias)",
    value:
      feedback.criteria.length > 0
        ? clip(feedback.criteria.map((c) => `${c.label}: **${c.score.toFixed(1)}** ± ${c.uncertainty.toFixed(1)} (${c.reviews} review${c.reviews === 1 ? "" : "s"})`).join("\n"), limits.fieldValue)
        : "No reviews were submitted for your answer.",
  });
  if (feedback.comments.length > 0) embed.addFields({ name: "Comments", value: clip(feedback.comments.map((c) => `> ${c}`).join("\n"), limits.fieldValue) });
  if (feedback.ai) {
    const ai = aiFeedbackText(feedback.ai);
    embed.addFields({ name: clip(ai.title, limits.fieldName), value: clip([...ai.lines.map((l) => `• ${l}`), `*${ai.note}*`].join("\n"), limits.fieldValue) });
  }
  embed.addFields(outlineFields(feedback.outline));
  return embed;
}

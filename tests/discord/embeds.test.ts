import path from "node:path";
import { embedLength, type APIEmbed, type BaseMessageOptions } from "discord.js";
import { describe, expect, it } from "vitest";
import { checkAnswer } from "../../src/core/answers/check-answer.ts";
import type { Question } from "../../src/core/questions/types.ts";
import { drillFeedback } from "../../src/discord/ui/drill.ts";
import { drillRatingMessage } from "../../src/discord/ui/drill-follow-up.ts";
import { feedbackEmbed } from "../../src/discord/ui/feedback.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";

const questions = loadQuestionBank(path.resolve(import.meta.dirname, "../../questions")).tracks.flatMap((track) => track.questions);
const embedsOf = (message: BaseMessageOptions) => (message.embeds ?? []).map((embed) => ("toJSON" in embed ? embed.toJSON() : embed) as APIEmbed);

const linesUnder = (embed: APIEmbed, name: string) =>
  (embed.fields ?? [])
    .filter((field) => field.name.startsWith(name))
    .map((field) => field.value)
    .join("\n")
    .split("\n");

// Discord refuses a message whose field passes 1,024 characters or whose embed passes 6,000, so
// the drill or feedback would never arrive; a clipped outline loses the end of the model answer.
function expectDeliverableWithWholeOutline(embed: APIEmbed, outline: readonly string[]) {
  expect(embedLength(embed)).toBeLessThanOrEqual(6000);
  for (const field of embed.fields ?? []) expect(field.value.length).toBeLessThanOrEqual(1024);
  expect(linesUnder(embed, "A strong answer covers")).toEqual(outline.map((item) => `• ${item}`));
}

function expectEveryRubricRow(embed: APIEmbed, question: Question) {
  expect(linesUnder(embed, "Rate yourself")).toEqual(question.rubric.criteria.map((c, i) => `Row ${i + 1}: ${c.label} (1: ${c.levels[1]} / 5: ${c.levels[5]})`));
}

describe("Discord embeds for every question in the bank", () => {
  it("show a strong answer's whole outline and every rubric row, in order, within Discord's field and embed limits", () => {
    expect(questions.filter((q) => q.outline.join("\n").length > 1024).length).toBeGreaterThan(0);
    for (const question of questions) {
      const strongAnswer = question.outline.join(" ");
      const check = checkAnswer(question, strongAnswer);
      const [afterDrill] = embedsOf(drillFeedback({ attemptId: 1, question, check, followUp: question.followUps[0] }));
      expectDeliverableWithWholeOutline(afterDrill!, question.outline);
      if (!question.followUps[0]) expectEveryRubricRow(afterDrill!, question);
      const followUp = { question: question.followUps[0] ?? "Why?", answer: strongAnswer.repeat(3).slice(0, 4000), check };
      const [ratingStep] = embedsOf(drillRatingMessage({ attemptId: 1, question, followUp }));
      expectDeliverableWithWholeOutline(ratingStep!, question.outline);
      expectEveryRubricRow(ratingStep!, question);
      const criteria = question.rubric.criteria.map((c) => ({ id: c.id, label: c.label, score: 3.4, uncertainty: 0.6, reviews: 3 }));
      const feedback = feedbackEmbed({ promptId: 1, company: question.company, questionPrompt: question.prompt, criteria, comments: ["x".repeat(500), "y".repeat(500)], outline: question.outline });
      expectDeliverableWithWholeOutline(feedback.toJSON(), question.outline);
    }
  });
});

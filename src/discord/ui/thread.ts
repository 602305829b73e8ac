import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type BaseMessageOptions } from "discord.js";
import type { CoachMessage } from "../../core/messages.ts";
import { customIds } from "../custom-ids.ts";
import { userIdOf } from "../refs.ts";
import { localTime } from "./text.ts";

type Of<K extends CoachMessage["kind"]> = Extract<CoachMessage, { kind: K }>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function answerReminder(m: Of<"answer-reminder">): BaseMessageOptions {
  return {
    content: `One hour left to answer: ${plural(m.answerCount, "answer")} so far. Answers close ${localTime(m.answersCloseAt)}.`,
  };
}

export function reviewsOpen(m: Of<"reviews-open">): BaseMessageOptions {
  const embed = new EmbedBuilder()
    .setTitle("Reviews are open")
    .setDescription(
      `${plural(m.answerCount, "answer")} to review by ${plural(m.reviewerCount, "reviewer")}. Press **Review** to score your assigned answers privately; authors stay anonymous.`,
    )
    .addFields({ name: "Reviews close", value: localTime(m.reviewsCloseAt) });
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customIds.review(m.promptId)).setLabel("Review").setStyle(ButtonStyle.Primary),
  );
  return { embeds: [embed], components: [row] };
}

export function noReviews(m: Of<"no-reviews">): BaseMessageOptions {
  return { content: `Answers are closed. With ${plural(m.answerCount, "answer")} there is nothing to peer-review today; see you at the next question.` };
}

export function results(m: Of<"results">): BaseMessageOptions {
  const top = m.top.map((t) => `**${t.rank}.** ${t.userRef ? `<@${userIdOf(t.userRef)}>` : "A member who prefers not to be named"}: ${t.score.toFixed(2)} / 5`).join("\n");
  const embed = new EmbedBuilder()
    .setTitle("Results")
    .setDescription(top || "No answer received enough reviews to be scored.")
    .addFields(
      { name: "Answers", value: `${m.answerCount} of ${m.memberCount} members`, inline: true },
      { name: "Reviews", value: `${m.reviewsSubmitted} of ${m.reviewsAssigned} submitted`, inline: true },
      { name: "Next question", value: m.nextPostAt ? localTime(m.nextPostAt) : "Not scheduled" },
    );
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customIds.feedback(m.promptId)).setLabel("My feedback").setStyle(ButtonStyle.Secondary),
  );
  // Names only as text: results must not ping everyone they mention.
  return { embeds: [embed], components: [row], allowedMentions: { parse: [] } };
}

export function reviewerReminder(m: Of<"reviewer-reminder">): BaseMessageOptions {
  return {
    content: `Reminder: ${plural(m.pending, "review")} still waiting for you. Reviews close ${localTime(m.reviewsCloseAt)}; press **Review** in the question's thread.`,
  };
}

import { EmbedBuilder } from "discord.js";
import { checkVerdict, quote } from "../../core/answers/check-answer.ts";
import type { AnswerCheck } from "../../core/messages.ts";
import { clip, limits } from "./text.ts";

/** The instant rubric check shown privately after an answer or a drill. */
export function checkFields(check: AnswerCheck): { name: string; value: string }[] {
  const verdict = checkVerdict(check);
  if (verdict) return [{ name: "Not counted", value: verdict }];
  const fields: { name: string; value: string }[] = [];
  if (check.shown.length > 0) {
    fields.push({ name: "Covered", value: clip(check.shown.map((s) => `✓ ${s.label} (${s.criterionLabel})\n> ${quote(s.evidence, 100)}`).join("\n"), limits.fieldValue) });
  }
  if (check.against.length > 0) {
    fields.push({ name: "Counts against", value: clip(check.against.map((s) => `⚠ ${s.missing}\n> ${quote(s.evidence, 100)}`).join("\n"), limits.fieldValue) });
  }
  if (check.missing.length > 0) {
    fields.push({ name: "Worth adding", value: clip(check.missing.map((s) => `• ${s.missing}`).join("\n"), limits.fieldValue) });
  }
  return fields;
}

export function answerReceiptEmbed(receipt: { created: boolean; check: AnswerCheck; streak: number }): EmbedBuilder {
  return new EmbedBuilder()
    .setTitle(receipt.created ? "Answer recorded" : "Answer updated (it replaces your earlier one)")
    .setDescription(`Streak: ${receipt.streak} day${receipt.streak === 1 ? "" : "s"}. Peers review answers after the window closes.`)
    .addFields(checkFields(receipt.check));
}

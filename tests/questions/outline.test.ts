import path from "node:path";
import { describe, expect, it } from "vitest";
import { applicableCues, checkAnswer } from "../../src/core/answers/check-answer.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { repoRoot } from "../support/process.ts";

/** The outline's bullets read as sentences of one answer. */
const outlineAsProse = (outline: readonly string[]) => outline.map((bullet) => (/[.!?]$/.test(bullet.trim()) ? bullet.trim() : `${bullet.trim()}.`)).join("\n");

describe("every question's rubric fits the question", () => {
  const questions = loadQuestionBank(path.join(repoRoot, "questions")).tracks.flatMap((t) => t.questions);

  it("its strong-answer outline, run through the check, shows at least 70% of its applicable cues", () => {
    const short = questions.flatMap((q) => {
      const check = checkAnswer(q, outlineAsProse(q.outline));
      const cues = applicableCues(q).filter((c) => !c.cue.against).length;
      const share = check.shown.length / cues;
      if (share >= 0.7) return [];
      const why = !check.addressesQuestion ? " (not taken as addressing the question)" : check.readsAsList ? " (reads as a keyword list)" : "";
      return [`${q.id} (${q.rubric.id}): ${check.shown.length}/${cues}${why}; missing ${check.missing.map((m) => `${m.criterionId}: ${m.label}`).join(" | ")}`];
    });
    expect(short).toEqual([]);
  });
});

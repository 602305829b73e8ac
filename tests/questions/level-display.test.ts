import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Question } from "../../src/core/questions/types.ts";
import { drillQuestion as discordDrill } from "../../src/discord/ui/drill.ts";
import { promptPost } from "../../src/discord/ui/prompt.ts";
import { renderMessage } from "../../src/slack/blocks/messages.ts";
import { drillQuestion as slackDrill } from "../../src/slack/blocks/replies.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { repoRoot } from "../support/process.ts";

const bank = loadQuestionBank(path.join(repoRoot, "questions"));
const track = (id: string) => bank.tracks.find((t) => t.id === id)!;

describe("job levels", () => {
  it("tags every CVS Health ML-engineer question with a level in 104-108", () => {
    const untagged = track("cvs-health/ml-engineer").questions.filter((q) => !/^10[4-8](-10[4-8])?$/.test(q.level ?? ""));
    expect(untagged.map((q) => q.id)).toEqual([]);
  });

  const leveled = track("cvs-health/ml-engineer").questions.find((q) => q.level?.includes("-"))!;
  const posted = (question: Question) =>
    ({ kind: "prompt", promptId: 1, question, round: question.category.round, answersCloseAt: new Date(0), timeZone: "UTC" }) as const;
  const shown = (question: Question) => [
    JSON.stringify(renderMessage(posted(question)).blocks),
    JSON.stringify(slackDrill({ attemptId: 1, question, reason: "new" }).blocks),
    JSON.stringify(promptPost(posted(question)).embeds),
    JSON.stringify(discordDrill({ attemptId: 1, question, reason: "new" }).embeds),
  ];

  it("shows the level next to the difficulty on Slack and Discord, posted and drilled", () => {
    for (const text of shown(leveled)) expect(text).toContain(`level ${leveled.level}`);
  });

  it("shows no level for a question without one", () => {
    const plain = track("humana/ai-pm").questions[0]!;
    expect(plain.level).toBeUndefined();
    for (const text of shown(plain)) expect(text).not.toContain(" · level ");
  });
});

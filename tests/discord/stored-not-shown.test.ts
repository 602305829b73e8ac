import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeInteraction } from "../fakes/discord/fake-discord.ts";
import { testDatabases } from "../support/databases.ts";
import { buttonRows, embedText, originalMessage, startHarness, type Harness } from "./harness.ts";

const CALLBACK = "POST /interactions/:id/:token/callback";
/** @discordjs/rest retries a 5xx three times before it gives up. */
const REST_ATTEMPTS = 4;

describe.each(testDatabases())("Discord after a stored change it could not show, on $name", (target) => {
  let h: Harness;
  const logLines: string[] = [];

  beforeAll(async () => {
    h = await startHarness(target, { memberCount: 3, logLines });
  });
  afterAll(async () => {
    expect(h?.fake.unknownCalls ?? []).toEqual([]);
    await h?.close();
  });

  /** The bot's callback, plus its deferred edit if it had to defer. */
  const answerOf = async (handle: FakeInteraction) => {
    const callback = await handle.reply();
    if (callback.type === 5 || callback.type === 6) return { ...callback, data: (await handle.waitForOriginalEdit()).body as typeof callback.data };
    return callback;
  };
  const coach = (user: string, subcommand: string, options: Record<string, string> = {}) => answerOf(h.fake.chatInput({ channelId: h.channelId, user, name: "coach", subcommand, options }));

  it("tells the reviewer their score was saved when Discord fails the card's update, and the next click shows the whole stored card", async () => {
    await coach(h.adminId, "setup", { track: "humana/ai-pm" });
    for (const user of h.members) await coach(user, "review", { state: "on" });
    expect(String((await coach(h.adminId, "post-now")).data?.content)).toContain("Posted today's question");
    const cohort = (await h.coach.cohort({ platform: "discord", workspaceId: h.guildId, channelId: h.channelId }))!;
    const prompt = (await h.repos.prompts.forCohort(cohort.id))[0]!;
    for (const [i, user] of h.members.entries()) {
      const text = `Answer ${i + 1}: cut ER visits ${10 + i}% in 90 days for 40,000 members, trading nurse time for precision.`;
      await answerOf(h.fake.modalSubmit({ channelId: h.channelId, user, customId: `cc:answer-modal:${prompt.id}`, fields: { answer: text } }));
    }
    expect(String((await coach(h.adminId, "open-reviews")).data?.content)).toContain("reviews are open");
    const threadId = h.fake.threads(h.channelId)[0]!.id;
    const reviewsOpen = h.fake.messages(threadId).find((m) => embedText(m).includes("Reviews are open"))!;

    const reviewer = h.members[0]!;
    const open = h.fake.button({ channelId: threadId, user: reviewer, customId: `cc:review:${prompt.id}`, message: String(reviewsOpen.id) });
    expect(embedText((await answerOf(open)).data)).toContain("(author hidden)");
    const cardId = String((await originalMessage(h.fake, open)).id);
    const criteriaRows = buttonRows(h.fake.message(cardId)).slice(0, -1);
    const assignmentId = Number(buttonRows(h.fake.message(cardId)).at(-1)![0]!.customId.split(":")[2]);
    const criterionOf = (customId: string) => customId.split(":")[3]!;
    const failedButton = criteriaRows[0]![2]!;

    h.fake.failNext(CALLBACK, { status: 500, body: { message: "Internal Server Error", code: 0 } }, REST_ATTEMPTS);
    const told = await h.fake.button({ channelId: threadId, user: reviewer, customId: failedButton.customId, message: cardId }).reply();
    expect(told.ephemeral).toBe(true);
    expect(String(told.data?.content)).toContain("Your score was saved, but Discord would not refresh this card");
    expect(String(told.data?.content)).not.toContain("nothing was changed");
    expect((await h.repos.reviews.scores(assignmentId)).get(criterionOf(failedButton.customId))).toBe(3);
    expect(buttonRows(h.fake.message(cardId))[0]!.every((b) => b.style !== 1)).toBe(true);
    const logged = logLines.map((l) => JSON.parse(l) as { msg: string; level: number; customId?: string });
    expect(logged).toContainEqual(expect.objectContaining({ msg: "change stored, but Discord would not show it", level: 40, customId: failedButton.customId }));
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);

    // The next click on another criterion rewrites the card from everything stored, the unseen score included.
    const next = await h.fake.button({ channelId: threadId, user: reviewer, customId: criteriaRows[1]![3]!.customId, message: cardId }).reply();
    expect(next.type).toBe(7);
    const shown = buttonRows(next.data);
    expect(shown[0]!.find((b) => b.customId === failedButton.customId)?.style).toBe(1);
    expect(shown[1]!.find((b) => b.customId === criteriaRows[1]![3]!.customId)?.style).toBe(1);
    expect(shown.slice(0, -1).map((row) => row.length)).toEqual(criteriaRows.map((row) => row.length));
  });
});

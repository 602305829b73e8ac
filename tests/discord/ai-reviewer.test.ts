import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FakeInteraction, Json } from "../fakes/discord/fake-discord.ts";
import { FakeAiReviewer } from "../fakes/ai.ts";
import { testDatabases } from "../support/databases.ts";
import { embedText, startHarness, type Harness } from "./harness.ts";

/** A cohort of one on Discord with the AI reviewer on: the whole day through the real adapter. */
describe.each(testDatabases())("Discord with the AI reviewer on $name", (target) => {
  let h: Harness;
  const ai = new FakeAiReviewer("fake-model", { truth: () => 4 });

  beforeAll(async () => {
    h = await startHarness(target, { memberCount: 1, ai: { reviewer: ai, dailyCapPerCohort: 50 } });
  });
  afterAll(async () => {
    expect(h?.fake.unknownCalls ?? []).toEqual([]);
    await h?.close();
  });

  const coach = (user: string, subcommand: string, options: Record<string, string | number | boolean> = {}) =>
    h.fake.chatInput({ channelId: h.channelId, user, name: "coach", subcommand, options });
  const answerOf = async (handle: FakeInteraction) => {
    const callback = await handle.reply();
    if (callback.type === 5) return { ...callback, data: (await handle.waitForOriginalEdit()).body as Json };
    return callback;
  };
  const said = async (handle: FakeInteraction) => String((await answerOf(handle)).data?.content);
  const dmsTo = (userId: string) => {
    const opened = h.fake.callsTo("POST /users/@me/channels").find((c) => (c.body as Json).recipient_id === userId);
    return opened ? h.fake.messages(String((opened.response as Json).id)) : [];
  };

  it("turns on for an admin only, shows on the daily post, and gives a cohort of one the AI's feedback by DM, with no points", async () => {
    const [learner] = h.members as [string];
    await answerOf(coach(h.adminId, "setup", { track: "humana/ai-pm", time: "09:00", zone: "America/New_York", days: "mon-fri" }));
    expect(await said(coach(learner, "ai", { state: "on" }))).toContain("Only this cohort's admins");
    expect(await said(coach(h.adminId, "ai", { state: "on" }))).toContain("AI reviewer on (fake-model)");

    await answerOf(coach(h.adminId, "post-now"));
    const post = h.fake.messages(h.channelId)[0]!;
    expect(embedText(post)).toContain("AI reviewer on: fake-model");
    const cohort = (await h.coach.cohort({ platform: "discord", workspaceId: h.guildId, channelId: h.channelId }))!;
    const prompt = (await h.repos.prompts.forCohort(cohort.id))[0]!;
    await h.coach.answer({
      prompt: prompt.id,
      actor: { userRef: `discord:${learner}`, displayName: "Learner 1", isPlatformAdmin: false },
      text: "Cut ER visits 12% within 90 days for 40,000 members; trade-off: false positives cost nurse time.",
      sourceRef: null,
    });
    await answerOf(coach(h.adminId, "open-reviews"));
    expect((await h.coach.aiTick()).scored).toBe(1);
    await answerOf(coach(h.adminId, "close-now"));

    await vi.waitFor(() => expect(dmsTo(learner).some((m) => embedText(m).includes("Your feedback"))).toBe(true), { timeout: 30_000, interval: 20 });
    const feedback = embedText(dmsTo(learner).find((m) => embedText(m).includes("Your feedback")));
    expect(feedback).toContain("AI reviewer (fake-model): its uncorrected view, no peer graded this answer");
    expect(feedback).toMatch(/: 4\/5\. The answer says "Cut ER visits/);
    expect(feedback).toContain("not yet calibrated");

    const board = await answerOf(coach(learner, "leaderboard", { period: "all" }));
    expect(JSON.stringify(board.data)).not.toMatch(/fake-model|ai:/);
    expect((await h.repos.points.all(cohort.id)).every((e) => e.userRef.startsWith("discord:"))).toBe(true);
  });
});

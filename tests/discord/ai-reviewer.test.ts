import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FakeInteraction, Json } from "../fakes/discord/fake-discord.ts";
import { fakeReply, startFakeOpenAi, type FakeOpenAi } from "../fakes/fake-openai.ts";
import { testDatabases } from "../support/databases.ts";
import { realAi } from "../support/real-ai.ts";
import { embedText, startHarness, type Harness } from "./harness.ts";

const MINUTE = 60_000;
const ANSWER = "Cut ER visits 12% within 90 days for 40,000 members; trade-off: false positives cost nurse time.";

/** Helpers over one harness: commands, their answers, and what a member was sent by DM. */
function discordDriver(get: () => Harness) {
  const coach = (user: string, subcommand: string, options: Record<string, string | number | boolean> = {}) =>
    get().fake.chatInput({ channelId: get().channelId, user, name: "coach", subcommand, options });
  const answerOf = async (handle: FakeInteraction) => {
    const callback = await handle.reply();
    if (callback.type === 5) return { ...callback, data: (await handle.waitForOriginalEdit()).body as Json };
    return callback;
  };
  const said = async (handle: FakeInteraction) => String((await answerOf(handle)).data?.content);
  const dmsTo = (userId: string) => {
    const opened = get().fake.callsTo("POST /users/@me/channels").find((c) => (c.body as Json).recipient_id === userId);
    return opened ? get().fake.messages(String((opened.response as Json).id)) : [];
  };
  const dmText = (message: Json) => `${String(message.content ?? "")}\n${embedText(message)}`;
  const actor = (userId: string, n: number) => ({ userRef: `discord:${userId}`, displayName: `Learner ${n}`, isPlatformAdmin: false });
  return { coach, answerOf, said, dmsTo, dmText, actor };
}

/** The AI reviewer on Discord: the real OpenAI-compatible client against a loopback fake endpoint, through the real Discord adapter. */
describe.each(testDatabases())("Discord with the AI reviewer on $name", (target) => {
  let h: Harness;
  let openAi: FakeOpenAi;
  const { coach, answerOf, said, dmsTo } = discordDriver(() => h);

  beforeAll(async () => {
    openAi = await startFakeOpenAi();
    openAi.setBias((input) => Object.fromEntries(input.criteria.map((c) => [c.id, 4])));
    h = await startHarness(target, { memberCount: 1, ai: (clock) => realAi(openAi, clock) });
  });
  afterAll(async () => {
    expect(h?.fake.unknownCalls ?? []).toEqual([]);
    await h?.close();
    await openAi?.close();
  });

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
    await h.coach.answer({ prompt: prompt.id, actor: { userRef: `discord:${learner}`, displayName: "Learner 1", isPlatformAdmin: false }, text: ANSWER, sourceRef: null });
    await answerOf(coach(h.adminId, "open-reviews"));
    expect((await h.coach.aiTick()).scored).toBe(1);
    expect(openAi.requests.map((r) => [r.body.model, r.structured, r.input?.answer])).toEqual([["fake-model", true, ANSWER]]);
    await answerOf(coach(h.adminId, "close-now"));

    await vi.waitFor(() => expect(dmsTo(learner).some((m) => embedText(m).includes("Your feedback"))).toBe(true), { timeout: 30_000, interval: 20 });
    const feedback = embedText(dmsTo(learner).find((m) => embedText(m).includes("Your feedback")));
    expect(feedback).toContain("AI reviewer (fake-model): its uncorrected view, no peer graded this answer");
    expect(feedback).toMatch(/: 4\/5\. The answer says "Cut ER visits 12% within 90"/);
    expect(feedback).toContain("not yet calibrated");

    const board = await answerOf(coach(learner, "leaderboard", { period: "all" }));
    expect(JSON.stringify(board.data)).not.toMatch(/fake-model|ai:/);
    expect((await h.repos.points.all(cohort.id)).every((e) => e.userRef.startsWith("discord:"))).toBe(true);
  });
});

/** The answer's true quality rides in its text, so the fake endpoint can score the truth plus its bias. */
const answerText = (n: number, quality: number) => `Answer from learner ${n}: cut refill delays 12% for 40k members within 90 days. Quality marker q=${quality.toFixed(2)}.`;
const truthIn = (text: string) => Number(/q=(\d+\.\d+)/.exec(text)?.[1] ?? 3);
const clampScore = (x: number) => Math.min(5, Math.max(1, Math.round(x)));

describe.each(testDatabases())("Discord's daily loop with the AI calibrated against harsh and lenient peers on $name", (target) => {
  let h: Harness;
  let openAi: FakeOpenAi;
  const { coach, answerOf, said, dmsTo, dmText, actor } = discordDriver(() => h);

  beforeAll(async () => {
    openAi = await startFakeOpenAi();
    // The injected bias: the model scores every criterion a whole point above the answer's true quality.
    openAi.setBias((input) => Object.fromEntries(input.criteria.map((c) => [c.id, clampScore(truthIn(input.answer) + 1)])));
    h = await startHarness(target, { memberCount: 8, ai: (clock) => realAi(openAi, clock, { dailyCapPerCohort: 100 }) });
  });
  afterAll(async () => {
    expect(h?.fake.unknownCalls ?? []).toEqual([]);
    await h?.close();
    await openAi?.close();
  });

  it("recovers the endpoint's +1 leniency within 0.3 after ten days, and tells authors so by DM", { timeout: 600_000 }, async () => {
    await answerOf(coach(h.adminId, "setup", { track: "cvs-health/ai-pm", time: "09:00", zone: "America/New_York", days: "daily" }));
    expect(await said(coach(h.adminId, "ai", { state: "on" }))).toContain("AI reviewer on (fake-model)");
    const cohort = (await h.coach.cohort({ platform: "discord", workspaceId: h.guildId, channelId: h.channelId }))!;
    // Two harsh peers, two lenient ones, four even-handed.
    const peerBias = [-0.8, -0.5, 0, 0, 0, 0, 0.5, 0.8];
    const quality = (d: number, n: number) => 2 + ((n * 7 + d * 3) % 10) / 5.5;
    const days = 10;
    for (let d = 0; d < days; d++) {
      // 11:00 in New York on either side of the clocks going back: after the 09:00 post.
      h.clock.set(new Date(Date.UTC(2026, 9, 29 + d, 15, 0)));
      await h.coach.tick();
      const prompt = (await h.repos.prompts.forCohort(cohort.id)).reduce((a, b) => (b.id > a.id ? b : a));
      expect(prompt.localDate).toBe(new Date(Date.UTC(2026, 9, 29 + d)).toISOString().slice(0, 10));
      for (const [i, id] of h.members.entries()) {
        await h.coach.answer({ prompt: prompt.id, actor: actor(id, i + 1), text: answerText(i + 1, quality(d, i + 1)), sourceRef: `ans-${prompt.id}-${i}` });
      }
      h.clock.set(prompt.answersCloseAt);
      await h.coach.tick();
      expect((await h.coach.aiTick()).scored).toBe(h.members.length);
      const criteria = (await h.repos.questions.get(prompt.questionId))!.rubric.criteria;
      for (const assignment of await h.repos.reviews.forPrompt(prompt.id)) {
        const answer = (await h.repos.answers.get(assignment.answerId))!;
        const bias = peerBias[h.members.indexOf(assignment.reviewerRef.replace("discord:", ""))]!;
        const now = h.clock.now();
        for (const c of criteria) await h.repos.reviews.recordScore(assignment.id, c.id, clampScore(truthIn(answer.body) + bias), now, now);
        await h.repos.reviews.submit(assignment.id, now);
      }
      h.clock.set(prompt.reviewsCloseAt);
      await h.coach.tick();
    }
    expect(openAi.requests).toHaveLength(days * h.members.length);
    const calibration = await h.repos.aiReviews.calibration(cohort.id, "fake-model");
    expect(calibration.peerGrades).toBeGreaterThan(100);
    expect(Math.abs(calibration.bias! - 1)).toBeLessThan(0.3);

    const learner = h.members[1]!;
    await vi.waitFor(() => expect(dmsTo(learner).filter((m) => dmText(m).includes("Your feedback")).length).toBe(days), { timeout: 60_000, interval: 50 });
    const first = dmText(dmsTo(learner).find((m) => dmText(m).includes("Your feedback"))!);
    const last = dmText(dmsTo(learner).filter((m) => dmText(m).includes("Your feedback")).at(-1)!);
    expect(first).toContain("AI reviewer (fake-model), apart from your peers");
    expect(last).toContain("AI reviewer (fake-model), apart from your peers");
    expect(last).toMatch(/The AI is calibrated against \d+ peer grades: scores (0\.[7-9]|1\.[0-3]) more leniently than peers/);
    const board = await answerOf(coach(learner, "leaderboard", { period: "all" }));
    expect(JSON.stringify(board.data)).not.toMatch(/fake-model|ai:/);
  });
});

describe.each(testDatabases())("Discord's daily loop with the AI endpoint failing on $name", (target) => {
  let h: Harness;
  let openAi: FakeOpenAi;
  const { coach, answerOf, said, dmsTo, dmText, actor } = discordDriver(() => h);

  beforeAll(async () => {
    openAi = await startFakeOpenAi();
    // A short client timeout only so the hung call gives up soon; nothing here is scored.
    h = await startHarness(target, { memberCount: 3, ai: (clock) => realAi(openAi, clock, { timeoutMs: 1_000 }) });
  });
  afterAll(async () => {
    expect(h?.fake.unknownCalls ?? []).toEqual([]);
    await h?.close();
    await openAi?.close();
  });

  it("closes on time without AI scores after timeouts and 500s, tells the admin once and shows members nothing of it", { timeout: 120_000 }, async () => {
    await answerOf(coach(h.adminId, "setup", { track: "humana/ai-pm", time: "09:00", zone: "America/New_York", days: "daily" }));
    expect(await said(coach(h.adminId, "ai", { state: "on" }))).toContain("AI reviewer on (fake-model)");
    const cohort = (await h.coach.cohort({ platform: "discord", workspaceId: h.guildId, channelId: h.channelId }))!;
    h.clock.set("2026-10-29T14:00:00Z");
    await h.coach.tick();
    const prompt = (await h.repos.prompts.forCohort(cohort.id))[0]!;
    for (const [i, id] of h.members.entries()) await h.coach.answer({ prompt: prompt.id, actor: actor(id, i + 1), text: `${i}: ${ANSWER}`, sourceRef: `a-${i}` });
    h.clock.set(prompt.answersCloseAt);
    await h.coach.tick();

    // Three answers, three tries each: one call hangs past the client's timeout, the rest get HTTP 500.
    openAi.script(fakeReply.hang(), ...Array.from({ length: 8 }, () => fakeReply.serverError()));
    expect(await h.coach.aiTick()).toMatchObject({ scored: 0, retried: 3, gaveUp: 0 });
    h.clock.advance(MINUTE + 1);
    expect(await h.coach.aiTick()).toMatchObject({ scored: 0, retried: 3, gaveUp: 0 });
    h.clock.advance(5 * MINUTE + 1);
    expect(await h.coach.aiTick()).toMatchObject({ scored: 0, retried: 0, gaveUp: 3 });
    expect(openAi.requests).toHaveLength(9);
    h.clock.advance(10 * MINUTE);
    expect(await h.coach.aiTick()).toEqual({ scored: 0, retried: 0, gaveUp: 0, capped: 0 });
    expect(openAi.requests).toHaveLength(9);

    // The review window closes when it was due, AI or not: feedback goes out on that tick.
    expect(h.members.some((member) => dmsTo(member).some((m) => dmText(m).includes("Your feedback")))).toBe(false);
    h.clock.set(prompt.reviewsCloseAt);
    await h.coach.tick();
    for (const member of h.members) {
      await vi.waitFor(() => expect(dmsTo(member).some((m) => dmText(m).includes("Your feedback"))).toBe(true), { timeout: 30_000, interval: 20 });
      const texts = dmsTo(member).map(dmText);
      expect(texts.filter((t) => /AI reviewer|fake-model/.test(t))).toEqual([]);
    }
    const alerts = dmsTo(h.adminId)
      .map(dmText)
      .filter((t) => t.includes("The AI reviewer (fake-model) keeps failing"));
    expect(alerts).toHaveLength(1);
    expect(h.fake.messages(h.channelId).map(dmText).filter((t) => /keeps failing/.test(t))).toEqual([]);
  });
});

import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAiReviewer } from "../../src/ai/openai-reviewer.ts";
import { loadConfig } from "../../src/config.ts";
import { rowsOf } from "../../src/db/repositories/reviews.ts";
import { silentLog } from "../fakes/core.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../fakes/fake-openai.ts";
import { startFakeSlack, type FakeSlack } from "../fakes/slack/index.ts";
import { testDatabases } from "../support/databases.ts";
import { realAi } from "../support/real-ai.ts";
import { Driver, readable, startHarness, type Harness } from "./harness.ts";

const TEAM = "T0FAKE";
const COHORT = "C0COHORT";
const ADMIN = "U0ADMIN";
const BOB = "U0BOB";
const CARA = "U0CARA";
const DAN = "U0DAN";
const ANSWER = "Cut ER visits 12% within 90 days for 40,000 members; trade-off: false positives cost nurse time.";
const MINUTE = 60_000;

async function startSlack(members: readonly string[]) {
  const fake = await startFakeSlack({ strictChannels: true });
  fake.users.addUser({ id: ADMIN, name: "ada", realName: "Ada Admin", isAdmin: true });
  for (const id of members) fake.users.addUser({ id, name: id.slice(3).toLowerCase() });
  fake.channels.addChannel({ id: COHORT, name: "interview-prep", members: [fake.botUserId, ADMIN, ...members] });
  return fake;
}

/** The AI reviewer on Slack: the real OpenAI-compatible client against a loopback fake endpoint, through the real Slack adapter. */
describe.each(testDatabases())("Slack with the AI reviewer on $name", (target) => {
  let h: Harness;
  let fake: FakeSlack;
  let drive: Driver;
  let openAi: FakeOpenAi;

  beforeAll(async () => {
    openAi = await startFakeOpenAi();
    // The model is a whole point lenient on this answer: it scores every criterion 4.
    openAi.setBias((input) => Object.fromEntries(input.criteria.map((c) => [c.id, 4])));
    fake = await startSlack([BOB]);
    h = await startHarness(target, fake, { ai: (clock) => realAi(openAi, clock) });
    drive = new Driver(h, COHORT);
  });
  afterAll(async () => {
    expect(fake.unknownCalls).toEqual([]);
    await h?.close();
    await fake?.close();
    await openAi?.close();
  });

  it("turns on for an admin only, shows on the daily post, and gives a cohort of one the AI's feedback by DM, with no points", async () => {
    await drive.command(ADMIN, "setup humana/ai-pm 09:00 America/New_York mon-fri");
    expect(readable(await drive.command(BOB, "ai on"))).toContain("Only this cohort's admins");
    expect(readable(await drive.command(ADMIN, "ai maybe"))).toContain("Use `/coach ai on` or `/coach ai off`.");
    expect(readable(await drive.command(ADMIN, "ai on"))).toContain("AI reviewer on (fake-model)");

    expect(readable(await drive.command(ADMIN, "post-now"))).toContain("Today's question is posted.");
    const post = fake.callsTo("chat.postMessage").find((c) => c.args["channel"] === COHORT)!;
    expect(readable(post.args)).toContain("AI reviewer on (fake-model)");
    const cohort = (await h.coach.cohort({ platform: "slack", workspaceId: TEAM, channelId: COHORT }))!;
    const prompt = (await h.repos.prompts.forCohort(cohort.id))[0]!;
    await h.coach.answer({ prompt: prompt.id, actor: { userRef: `slack:${TEAM}:${BOB}`, displayName: "bob", isPlatformAdmin: false }, text: ANSWER, sourceRef: null });
    await drive.command(ADMIN, "open-reviews");
    expect(openAi.requests).toEqual([]);
    const report = await h.coach.aiTick();
    expect(report.scored).toBe(1);
    // One HTTP request, asking for structured output, carrying the question, its rubric and the answer.
    expect(openAi.requests).toHaveLength(1);
    const [request] = openAi.requests;
    expect(request!.body.model).toBe("fake-model");
    expect(request!.structured).toBe(true);
    expect(request!.headers["authorization"]).toBeUndefined();
    expect(request!.input!.answer).toBe(ANSWER);
    expect(request!.input!.criteria.length).toBeGreaterThan(0);
    expect(readable(await drive.command(ADMIN, "close-now"))).toContain("results are in the thread");

    const feedback = await fake.waitFor("chat.postMessage", (c) => c.args["channel"] === BOB && readable(c.args).includes("Your feedback"));
    const text = readable(feedback.args);
    expect(text).toContain("AI reviewer (fake-model): its uncorrected view, no peer graded this answer");
    // The fake's justification quotes the answer's first words: the reply made it from HTTP to the DM.
    expect(text).toMatch(/: 4\/5\. The answer says "Cut ER visits 12% within 90"/);
    expect(text).toMatch(/The AI is not yet calibrated \(0 peer grades so far/);
    expect(text).toContain("No reviews came in for your answer this time.");

    const board = readable(await drive.command(ADMIN, "leaderboard all"));
    expect(board).not.toContain("fake-model");
    expect(board).not.toContain("ai:");
    expect((await h.repos.points.all(cohort.id)).every((e) => e.userRef.startsWith("slack:"))).toBe(true);

    expect(readable(await drive.command(ADMIN, "ai off"))).toContain("AI reviewer off");
  });
});

/**
 * A bot started without AI_BASE_URL, as main.ts builds it, while an OpenAI-compatible
 * endpoint listens on loopback: a whole day must not send it a single request.
 */
describe.each(testDatabases())("Slack with the AI reviewer unset on $name", (target) => {
  let h: Harness;
  let fake: FakeSlack;
  let drive: Driver;
  let openAi: FakeOpenAi;

  beforeAll(async () => {
    openAi = await startFakeOpenAi();
    fake = await startSlack([BOB, CARA, DAN]);
    // Every AI_ variable unset, as the composition root reads them (a partial set stops start-up instead).
    const config = loadConfig({});
    expect(config.ai).toBeUndefined();
    expect(createAiReviewer(config.ai, { clock: { now: () => new Date() }, logger: silentLog })).toBeUndefined();
    h = await startHarness(target, fake);
    drive = new Driver(h, COHORT);
  });
  afterAll(async () => {
    expect(fake.unknownCalls).toEqual([]);
    await h?.close();
    await fake?.close();
    await openAi?.close();
  });

  it("answers, reviews, closes and drills with no request to the endpoint, no queue row and no AI line anywhere", async () => {
    await drive.command(ADMIN, "setup humana/ai-pm 09:00 America/New_York mon-fri");
    expect(readable(await drive.command(ADMIN, "ai on"))).toContain("This bot has no AI reviewer configured");
    for (const user of [BOB, CARA, DAN]) await drive.command(user, "review on");
    await drive.command(ADMIN, "post-now");
    const cohort = (await h.coach.cohort({ platform: "slack", workspaceId: TEAM, channelId: COHORT }))!;
    const prompt = (await h.repos.prompts.forCohort(cohort.id))[0]!;
    for (const user of [BOB, CARA, DAN]) {
      await h.coach.answer({ prompt: prompt.id, actor: { userRef: `slack:${TEAM}:${user}`, displayName: user, isPlatformAdmin: false }, text: `${user}: ${ANSWER}`, sourceRef: null });
    }
    await drive.command(ADMIN, "open-reviews");
    const assignments = await h.repos.reviews.forPrompt(prompt.id);
    expect(assignments.length).toBeGreaterThan(0);
    const criteria = (await h.repos.questions.get(prompt.questionId))!.rubric.criteria;
    for (const assignment of assignments) {
      for (const c of criteria) await h.repos.reviews.recordScore(assignment.id, c.id, 3, h.clock.now(), h.clock.now());
      await h.repos.reviews.submit(assignment.id, h.clock.now());
    }
    // The AI queue's minute timer is never started without a reviewer; drained anyway, it has nothing to do.
    expect(await h.coach.aiTick()).toEqual({ scored: 0, retried: 0, gaveUp: 0, capped: 0 });
    expect(readable(await drive.command(ADMIN, "close-now"))).toContain("results are in the thread");
    const feedback = await fake.waitFor("chat.postMessage", (c) => c.args["channel"] === BOB && readable(c.args).includes("Your feedback"));
    expect(readable(feedback.args)).not.toContain("AI reviewer");

    const card = await h.coach.drill({ userRef: `slack:${TEAM}:${CARA}`, trackId: "humana/ai-pm" });
    await h.coach.answerDrill({ attemptId: card.attemptId, userRef: `slack:${TEAM}:${CARA}`, text: ANSWER });
    const rated = await h.coach.rateDrill({
      attemptId: card.attemptId,
      userRef: `slack:${TEAM}:${CARA}`,
      ratings: Object.fromEntries(card.question.rubric.criteria.map((c) => [c.id, 3])),
    });
    expect(rated).not.toHaveProperty("aiReviewer");
    h.clock.advance(60 * MINUTE);
    await h.coach.tick();
    await h.coach.aiTick();

    expect(openAi.requests).toEqual([]);
    expect(rowsOf(await h.database.db.execute(sql`select id from ai_reviews`))).toEqual([]);
    expect(fake.callsTo("chat.postMessage").map((c) => readable(c.args)).filter((t) => /AI reviewer|fake-model/.test(t))).toEqual([]);
  });
});

/** The answer's true quality rides in its text, so the fake endpoint can score the truth plus its bias. */
const truthIn = (text: string) => Number(/q=(\d+\.\d+)/.exec(text)?.[1] ?? 3);
const clampScore = (x: number) => Math.min(5, Math.max(1, Math.round(x)));

describe.each(testDatabases())("Slack's daily loop with the AI calibrated against harsh and lenient peers on $name", (target) => {
  let h: Harness;
  let fake: FakeSlack;
  let drive: Driver;
  let openAi: FakeOpenAi;
  const members = Array.from({ length: 8 }, (_, i) => `U0M${i + 1}`);

  beforeAll(async () => {
    openAi = await startFakeOpenAi();
    // The injected bias, the other way from Discord's: the model scores every criterion a point below the answer's true quality.
    openAi.setBias((input) => Object.fromEntries(input.criteria.map((c) => [c.id, clampScore(truthIn(input.answer) - 1)])));
    fake = await startSlack(members);
    h = await startHarness(target, fake, { ai: (clock) => realAi(openAi, clock, { dailyCapPerCohort: 100 }) });
    drive = new Driver(h, COHORT);
  });
  afterAll(async () => {
    expect(fake.unknownCalls).toEqual([]);
    await h?.close();
    await fake?.close();
    await openAi?.close();
  });

  it("recovers the endpoint's injected harshness within 0.3 after ten days, and tells authors so by DM", { timeout: 600_000 }, async () => {
    await drive.command(ADMIN, "setup cvs-health/ai-pm 09:00 America/New_York daily");
    expect(readable(await drive.command(ADMIN, "ai on"))).toContain("AI reviewer on (fake-model)");
    const cohort = (await h.coach.cohort({ platform: "slack", workspaceId: TEAM, channelId: COHORT }))!;
    const peerBias = [-0.8, -0.5, 0, 0, 0, 0, 0.5, 0.8];
    // True qualities spread over 2.5-4.1, so neither the harsh AI nor the most lenient peer runs off the 1-5 scale.
    const quality = (d: number, n: number) => 2.5 + ((n * 7 + d * 3) % 10) / 5.5;
    const days = 10;
    for (let d = 0; d < days; d++) {
      h.clock.set(new Date(Date.UTC(2026, 9, 30 + d, 15, 0)));
      await h.coach.tick();
      const prompt = (await h.repos.prompts.forCohort(cohort.id)).reduce((a, b) => (b.id > a.id ? b : a));
      expect(prompt.localDate).toBe(new Date(Date.UTC(2026, 9, 30 + d)).toISOString().slice(0, 10));
      for (const [i, id] of members.entries()) {
        const text = `Answer from ${id}: cut refill delays 12% for 40k members within 90 days. Quality marker q=${quality(d, i + 1).toFixed(2)}.`;
        await h.coach.answer({ prompt: prompt.id, actor: { userRef: `slack:${TEAM}:${id}`, displayName: id, isPlatformAdmin: false }, text, sourceRef: `ans-${prompt.id}-${i}` });
      }
      h.clock.set(prompt.answersCloseAt);
      await h.coach.tick();
      expect((await h.coach.aiTick()).scored).toBe(members.length);
      const criteria = (await h.repos.questions.get(prompt.questionId))!.rubric.criteria;
      for (const assignment of await h.repos.reviews.forPrompt(prompt.id)) {
        const answer = (await h.repos.answers.get(assignment.answerId))!;
        const bias = peerBias[members.indexOf(assignment.reviewerRef.split(":").at(-1)!)]!;
        const now = h.clock.now();
        for (const c of criteria) await h.repos.reviews.recordScore(assignment.id, c.id, clampScore(truthIn(answer.body) + bias), now, now);
        await h.repos.reviews.submit(assignment.id, now);
      }
      h.clock.set(prompt.reviewsCloseAt);
      await h.coach.tick();
    }
    expect(openAi.requests).toHaveLength(days * members.length);
    const calibration = await h.repos.aiReviews.calibration(cohort.id, "fake-model");
    expect(calibration.peerGrades).toBeGreaterThan(100);
    expect(Math.abs(calibration.bias! + 1)).toBeLessThan(0.3);

    const feedbackTo = (user: string) => fake.callsTo("chat.postMessage").filter((c) => c.args["channel"] === user && readable(c.args).includes("Your feedback"));
    await vi.waitFor(() => expect(feedbackTo(members[1]!)).toHaveLength(days), { timeout: 60_000, interval: 50 });
    const last = readable(feedbackTo(members[1]!).at(-1)!.args);
    expect(last).toContain("AI reviewer (fake-model), apart from your peers");
    expect(last).toMatch(/The AI is calibrated against \d+ peer grades: scores (0\.[7-9]|1\.[0-3]) harsher than peers/);
  });
});

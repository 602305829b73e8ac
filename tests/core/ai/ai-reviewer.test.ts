import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { AiReviewRequest } from "../../../src/core/ai/port.ts";
import { aiReviewerRef } from "../../../src/core/ai/port.ts";
import { AI_LEASE_MS, aiLeaseMs } from "../../../src/core/ai/review-queue.ts";
import type { Coach } from "../../../src/core/coach.ts";
import { CoachingError } from "../../../src/core/errors.ts";
import type { AuthorFeedback, CoachMessage } from "../../../src/core/messages.ts";
import type { Repositories } from "../../../src/core/ports.ts";
import type { Database } from "../../../src/db/client.ts";
import { createRepositories } from "../../../src/db/repositories/index.ts";
import { rowsOf } from "../../../src/db/repositories/reviews.ts";
import { loadQuestionBank } from "../../../src/questions/loader.ts";
import { FakeAiReviewer } from "../../fakes/ai.ts";
import { createCoach, FixedClock, member, type RecordingMessenger, slackCohort } from "../../fakes/core.ts";
import { testDatabases, truncateAll } from "../../support/databases.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../../questions"));
const admin = member(1, true);
const HOUR = 3_600_000;
const schedule = ["cvs-health/ai-pm", "09:00", "America/New_York", "daily"];
/** The answer's true quality rides in its text, so the fake AI can score the truth plus its bias. */
const answerText = (n: number, quality: number) =>
  `Answer from ${n}: cut refill delays 12% for 40k members within 90 days; monitor drift and roll back. Quality marker q=${quality.toFixed(2)}.`;
const truthOf = (request: AiReviewRequest) => Number(/q=(\d+\.\d+)/.exec(request.answerText)?.[1] ?? 3);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof CoachingError ? error.code : `not a CoachingError: ${String(error)}`;
}

describe.each(testDatabases())("the AI reviewer on $name", (target) => {
  let database: Database;
  let repos: Repositories;
  let clock: FixedClock;
  let coach: Coach;
  let messenger: RecordingMessenger;
  let ai: FakeAiReviewer;

  beforeAll(async () => {
    database = await target.open();
    repos = createRepositories(database.db);
  });
  afterAll(() => database.close());

  const start = (reviewer: FakeAiReviewer | undefined, dailyCapPerCohort = 100) => {
    ({ coach, messenger } = createCoach(repos, clock, undefined, reviewer && { reviewer, dailyCapPerCohort }));
  };
  beforeEach(async () => {
    await truncateAll(database);
    clock = new FixedClock(new Date("2026-10-28T16:00:00Z"));
    await repos.questions.sync(bank, clock.now());
    ai = new FakeAiReviewer("fake-model", { bias: 1, truth: (request) => truthOf(request) });
    start(ai);
  });

  const tickAt = (iso: string | Date) => {
    clock.set(iso);
    return coach.tick();
  };
  const promptIdOf = () => (messenger.sent.filter((s) => s.message.kind === "prompt").at(-1)!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
  const feedbackTo = (n: number) => messenger.to(member(n).userRef).flatMap((s) => (s.message.kind === "feedback" ? [s.message.feedback] : []));
  const aiRows = async () =>
    rowsOf<{ status: string; attempts: number }>(await database.db.execute(sql`select status, attempts from ai_reviews order by id`));

  /** One posting day: post, answers, answers close (AI queued), the AI's drain, peers' reviews, close. */
  async function day(index: number, members: readonly number[], quality: (n: number) => number, peerGrade?: (reviewer: number, truth: number) => number) {
    const postAt = new Date(Date.UTC(2026, 9, 29 + index, 13, 0));
    await tickAt(postAt);
    const promptId = promptIdOf();
    const prompt = (await repos.prompts.get(promptId))!;
    for (const n of members) await coach.answer({ prompt: promptId, actor: member(n), text: answerText(n, quality(n)), sourceRef: `ans-${promptId}-${n}` });
    await tickAt(prompt.answersCloseAt);
    await coach.aiTick();
    if (peerGrade) {
      const now = clock.now();
      for (const assignment of await repos.reviews.forPrompt(promptId)) {
        const answer = (await repos.answers.get(assignment.answerId))!;
        const truth = Number(/q=(\d+\.\d+)/.exec(answer.body)![1]);
        const reviewer = Number(assignment.reviewerRef.split(":U").at(-1));
        for (const c of (await repos.questions.get(prompt.questionId))!.rubric.criteria) {
          await repos.reviews.recordScore(assignment.id, c.id, peerGrade(reviewer, truth), now, now);
        }
        await repos.reviews.submit(assignment.id, now);
      }
    }
    await tickAt(prompt.reviewsCloseAt);
    return promptId;
  }

  it("is refused with a clear reason when the bot has no AI, and to members who are not admins", async () => {
    start(undefined);
    await coach.setup(slackCohort, admin, coach.parseSchedule(schedule));
    expect(await codeOf(coach.ai(slackCohort, admin, true))).toBe("ai-not-configured");
    start(ai);
    expect(await codeOf(coach.ai(slackCohort, member(2), true))).toBe("not-an-admin");
    expect(await coach.ai(slackCohort, admin, true)).toContain("AI reviewer on (fake-model)");
    expect((await repos.cohorts.find(slackCohort))!.aiEnabled).toBe(true);
    expect(await coach.ai(slackCohort, admin, false)).toContain("off");
  });

  it("changes nothing with the cohort's AI off: no queue rows, no AI calls, no AI line in the post", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(schedule));
    await day(0, [1, 2, 3], () => 3, () => 3);
    expect(await aiRows()).toEqual([]);
    expect(ai.requests).toEqual([]);
    expect(messenger.sent.find((s) => s.message.kind === "prompt")!.message).not.toHaveProperty("aiReviewer");
    expect(feedbackTo(2)[0]).not.toHaveProperty("ai");
  });

  it("gives a cohort of one the AI's uncorrected view with its reasons, and no points for it", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(schedule));
    await coach.ai(slackCohort, admin, true);
    await day(0, [1], () => 2.6);
    expect(messenger.sent.find((s) => s.message.kind === "prompt")!.message).toMatchObject({ aiReviewer: "fake-model" });
    expect(ai.requests).toHaveLength(1);
    const [feedback] = feedbackTo(1) as [AuthorFeedback];
    expect(feedback.criteria).toEqual([]);
    expect(feedback.ai).toMatchObject({ model: "fake-model", uncorrected: true });
    expect(feedback.ai!.calibration).toMatch(/^not yet calibrated/);
    expect(feedback.ai!.criteria.length).toBeGreaterThan(0);
    for (const c of feedback.ai!.criteria) {
      expect(c.score).toBe(4);
      expect(c.justification).toContain("Answer from 1");
    }
    // The machine's view alone gives the author no corrected score, so no quality points, and the AI is nobody's row.
    const board = await coach.leaderboard(slackCohort, admin.userRef, "all");
    expect(board.quality).toEqual([]);
    expect([...board.top, ...board.quality].map((r) => r.userRef)).not.toContain(aiReviewerRef("fake-model"));
    expect((await repos.points.all((await repos.cohorts.find(slackCohort))!.id)).map((e) => e.userRef)).not.toContain(aiReviewerRef("fake-model"));
    // Asking again shows the same AI part.
    expect((await coach.feedback(feedback.promptId, member(1).userRef)).ai).toEqual(feedback.ai);
  });

  it("ignores a score that arrives after the close, and reviews each answer once however often the queue is drained", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(schedule));
    await coach.ai(slackCohort, admin, true);
    await tickAt("2026-10-29T13:00:00Z");
    const prompt = (await repos.prompts.get(promptIdOf()))!;
    for (const n of [1, 2]) await coach.answer({ prompt: prompt.id, actor: member(n), text: answerText(n, 3), sourceRef: `a-${n}` });
    await tickAt(prompt.answersCloseAt);
    ai.down = "timeout";
    await coach.aiTick();
    ai.down = undefined;
    await tickAt(prompt.reviewsCloseAt);
    clock.advance(HOUR);
    await Promise.all([coach.aiTick(), coach.aiTick()]);
    expect((await aiRows()).map((r) => r.status)).toEqual(["expired", "expired"]);
    expect(ai.requests).toHaveLength(2);
    expect(feedbackTo(1)[0]).not.toHaveProperty("ai");
  });

  it("retries a failing endpoint, then gives up and tells the admins once that day; a rate limit only waits", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(schedule));
    await coach.ai(slackCohort, admin, true);
    await tickAt("2026-10-29T13:00:00Z");
    const prompt = (await repos.prompts.get(promptIdOf()))!;
    for (const n of [1, 2, 3]) await coach.answer({ prompt: prompt.id, actor: member(n), text: answerText(n, 3), sourceRef: `a-${n}` });
    await tickAt(prompt.answersCloseAt);
    ai.failNext("rate_limited", 3);
    await coach.aiTick();
    expect((await aiRows()).map((r) => [r.status, r.attempts])).toEqual([
      ["pending", 0],
      ["pending", 0],
      ["pending", 0],
    ]);
    ai.down = "server_error";
    for (let i = 0; i < 4; i++) {
      clock.advance(10 * 60_000);
      await coach.aiTick();
    }
    expect((await aiRows()).map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
    const alerts = messenger.sent.filter((s) => s.message.kind === "ai-alert");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.to).toMatchObject({ kind: "user", userRef: admin.userRef });
    expect(alerts[0]!.message).toMatchObject({ reason: "failure", model: "fake-model" });
  });

  it("keeps a row claimed for as long as a slow endpoint may take: a second worker does not review it again", async () => {
    // Three calls of 200 s each fit in the lease derived from AI_TIMEOUT_MS=200000, not in the 5-minute floor.
    let release!: () => void;
    const slow = new FakeAiReviewer("fake-model", { truth: () => 3 });
    const calls: AiReviewRequest[] = [];
    const held = {
      model: "fake-model",
      review: async (request: AiReviewRequest) => {
        // Only the first call is slow, so a second worker's call (the bug) answers at once and the test fails rather than hangs.
        if (calls.push(request) === 1) await new Promise<void>((resolve) => (release = resolve));
        return slow.review(request);
      },
    };
    ({ coach, messenger } = createCoach(repos, clock, undefined, { reviewer: held, dailyCapPerCohort: 100, leaseMs: aiLeaseMs(200_000) }));
    expect(aiLeaseMs(200_000)).toBeGreaterThan(AI_LEASE_MS);
    await coach.setup(slackCohort, admin, coach.parseSchedule(schedule));
    await coach.ai(slackCohort, admin, true);
    await tickAt("2026-10-29T13:00:00Z");
    const prompt = (await repos.prompts.get(promptIdOf()))!;
    await coach.answer({ prompt: prompt.id, actor: member(1), text: answerText(1, 3), sourceRef: "a-1" });
    await tickAt(prompt.answersCloseAt);
    const first = coach.aiTick();
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 30_000, interval: 10 });
    clock.advance(6 * 60_000);
    expect(await coach.aiTick()).toEqual({ scored: 0, retried: 0, gaveUp: 0, capped: 0 });
    release();
    expect((await first).scored).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it("stops at the daily cap, which survives a restart, tells the admins once and goes on the next day", async () => {
    start(ai, 2);
    await coach.setup(slackCohort, admin, coach.parseSchedule(schedule));
    await coach.ai(slackCohort, admin, true);
    await tickAt("2026-10-29T13:00:00Z");
    const prompt = (await repos.prompts.get(promptIdOf()))!;
    for (const n of [1, 2, 3, 4]) await coach.answer({ prompt: prompt.id, actor: member(n), text: answerText(n, 3), sourceRef: `a-${n}` });
    await tickAt(prompt.answersCloseAt);
    await coach.aiTick();
    expect(ai.requests).toHaveLength(2);
    const alerts = (m: RecordingMessenger) => m.sent.filter((s) => s.message.kind === "ai-alert");
    expect(alerts(messenger).map((s) => [s.to, s.message])).toEqual([[{ kind: "user", cohort: slackCohort, userRef: admin.userRef }, expect.objectContaining({ reason: "cap", dailyCap: 2 })]]);
    // A restart: the count is in the database, and so is the fact that the admins were told today.
    start(ai, 2);
    clock.advance(HOUR);
    await coach.aiTick();
    await repos.aiReviews.enqueuePrompt(prompt.id, (await repos.cohorts.find(slackCohort))!.id, "fake-model", clock.now());
    expect(ai.requests).toHaveLength(2);
    expect(await repos.aiReviews.reserveCall(`cohort:${prompt.cohortId}`, "2026-10-29", 2)).toBe(false);
    expect(await repos.aiReviews.alertOnce(`cohort:${prompt.cohortId}`, "2026-10-29", "cap", clock.now())).toBe(false);
    expect(alerts(messenger)).toEqual([]);
    clock.set("2026-10-30T00:30:00Z");
    await coach.aiTick();
    expect(ai.requests).toHaveLength(4);
    expect((await aiRows()).map((r) => r.status)).toEqual(["scored", "scored", "scored", "scored"]);
  });

  it("learns the AI's injected leniency from harsh and lenient peers over ten days, and says so to authors", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(schedule));
    await coach.ai(slackCohort, admin, true);
    const members = [1, 2, 3, 4, 5, 6, 7, 8];
    const peerBias: Record<number, number> = { 1: -0.8, 2: -0.5, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0.5, 8: 0.8 };
    // True qualities spread over 2.0-3.8, so neither the +1 AI nor the harshest peer runs off the 1-5 scale.
    const quality = (d: number) => (n: number) => 2 + ((n * 7 + d * 3) % 10) / 5.5;
    let last = 0;
    for (let d = 0; d < 10; d++) last = await day(d, members, quality(d), (reviewer, truth) => Math.min(5, Math.max(1, Math.round(truth + peerBias[reviewer]!))));
    const cohort = (await repos.cohorts.find(slackCohort))!;
    const calibration = await repos.aiReviews.calibration(cohort.id, "fake-model");
    expect(calibration.peerGrades).toBeGreaterThan(100);
    expect(Math.abs(calibration.bias! - 1)).toBeLessThan(0.3);
    const feedback = feedbackTo(2).find((f) => f.promptId === last)!;
    expect(feedback.ai!.uncorrected).toBe(false);
    expect(feedback.ai!.calibration).toMatch(/^calibrated against \d+ peer grades: scores (0\.[7-9]|1\.[0-3]) more leniently than peers$/);
    // Peers' reviews are counted as people; the AI is not on any board.
    expect(feedback.criteria.every((c) => c.reviews === 3)).toBe(true);
    const board = await coach.leaderboard(slackCohort, admin.userRef, "all");
    expect(board.quality.length).toBeGreaterThan(0);
    expect([...board.top, ...board.quality].some((r) => r.userRef.startsWith("ai:"))).toBe(false);
  });

  it("follows a drill's self-rating with the AI's scores and reasons: by DM on the platform, on reload in the practice room", async () => {
    const me = member(9).userRef;
    const web = "web:practitioner-1";
    const text = "Cut ER visits 12% within 90 days for 40,000 members; trade-off: false positives cost nurse time.";
    const rate = async (userRef: string, score: number) => {
      const card = await coach.drill({ userRef, trackId: "humana/ai-pm" });
      await coach.answerDrill({ attemptId: card.attemptId, userRef, text });
      const ratings = Object.fromEntries(card.question.rubric.criteria.map((c) => [c.id, score]));
      return { card, result: await coach.rateDrill({ attemptId: card.attemptId, userRef, ratings }) };
    };
    const platform = await rate(me, 2);
    expect(platform.result.aiReviewer).toBe("fake-model");
    expect((await coach.attempt(platform.card.attemptId, me)).ai).toEqual({ status: "pending", model: "fake-model" });
    const room = await rate(web, 5);
    expect((await coach.aiTick()).scored).toBe(2);

    const dms = messenger.to(me).filter((s) => s.message.kind === "drill-ai-review");
    expect(dms).toHaveLength(1);
    const comparison = (dms[0]!.message as Extract<CoachMessage, { kind: "drill-ai-review" }>).comparison;
    expect(comparison.criteria.length).toBe(platform.card.question.rubric.criteria.length);
    for (const c of comparison.criteria) {
      expect(c).toMatchObject({ self: 2, ai: 4 });
      expect(c.justification).toContain("Cut ER visits");
    }
    // The web practitioner has no DM: the room shows the same comparison when the page is reloaded.
    expect(messenger.sent.filter((s) => s.message.kind === "drill-ai-review")).toHaveLength(1);
    const view = (await coach.attempt(room.card.attemptId, web)).ai;
    expect(view).toMatchObject({ status: "ready", comparison: { model: "fake-model" } });
    if (view?.status === "ready") expect(view.comparison.criteria.every((c) => c.self === 5 && c.ai === 4)).toBe(true);

    // A bot without an AI queues nothing and says nothing about one.
    start(undefined);
    const plain = await rate(member(8).userRef, 3);
    expect(plain.result).not.toHaveProperty("aiReviewer");
    expect((await coach.attempt(plain.card.attemptId, member(8).userRef)).ai).toBeUndefined();
    expect(await aiRows()).toHaveLength(2);
  });
});

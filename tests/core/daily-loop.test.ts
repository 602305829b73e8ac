import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { Coach } from "../../src/core/coach.ts";
import { CoachingError } from "../../src/core/errors.ts";
import type { CoachMessage, ReviewCard } from "../../src/core/messages.ts";
import type { Repositories } from "../../src/core/ports.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { testDatabases } from "../support/databases.ts";
import { useEngine } from "../support/engine.ts";
import { type FixedClock, member, type RecordingMessenger, slackCohort } from "../fakes/core.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../questions"));
const users = [1, 2, 3, 4, 5, 6].map((n) => member(n));
const admin = member(1, true);
/** Every reviewer gives an author the same score on every criterion, so corrected scores are known. */
const trueScore: Record<string, number> = { U1: 5, U2: 4, U3: 3, U4: 2, U5: 4, U6: 3 };
const scoreFor = (userRef: string) => trueScore[userRef.split(":").at(-1)!]!;

async function expectCoachingError(promise: Promise<unknown>, code: CoachingError["code"]) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CoachingError);
  expect((error as CoachingError).code).toBe(code);
}

describe.each(testDatabases())("the daily loop on $name", (target) => {
  const engine = useEngine(target, "2026-10-28T16:00:00Z", bank);
  let repos: Repositories;
  let coach: Coach;
  let messenger: RecordingMessenger;
  let clock: FixedClock;
  beforeEach(() => {
    ({ repos, coach, messenger, clock } = engine);
  });

  const tickAt = (iso: string) => {
    clock.set(iso);
    return coach.tick();
  };
  const kinds = () => messenger.take().map((m) => m.message.kind);
  const promptsSent = () => messenger.sent.filter((s) => s.message.kind === "prompt");

  /** Each reviewer opens their DMs and scores every criterion with the author's true score. */
  async function reviewAll(cards: readonly ReviewCard[], skipReviewer?: string) {
    for (const card of cards) {
      const assignment = (await repos.reviews.get(card.assignmentId))!;
      if (assignment.reviewerRef === skipReviewer) continue;
      const answer = (await repos.answers.get(assignment.answerId))!;
      for (const criterion of card.criteria) {
        await coach.score({ assignmentId: card.assignmentId, reviewerRef: assignment.reviewerRef, criterionId: criterion.id, score: scoreFor(answer.userRef) });
      }
      const submitted = await coach.submitReview({ assignmentId: card.assignmentId, reviewerRef: assignment.reviewerRef });
      expect(submitted.submitted).toBe(true);
    }
  }

  const reviewCards = (sent = messenger.sent) =>
    sent.flatMap((s) => (s.message.kind === "review-request" ? [s.message.card] : []));

  async function answerAs(n: number, promptId: number, text = `Answer from ${n}: cut refill delays 12% for 40k members within 90 days; monitor drift and roll back.`) {
    return coach.answer({ prompt: promptId, actor: users[n - 1]!, text, sourceRef: `slack:T1:C1:ans-${promptId}-${n}` });
  }

  it("runs a cohort of six through five posting days across a DST change, a skipped date and a pause", async () => {
    const setup = await coach.setup(slackCohort, admin, coach.parseSchedule(["cvs-health/ai-pm", "09:00", "America/New_York", "mon-fri"]));
    expect(setup.created).toBe(true);
    expect(setup.schedule).toBe("Weekdays at 09:00 America/New_York; next question Thu 29 Oct");
    expect(await coach.skip(slackCohort, admin, "2026-11-03")).toContain("Weekdays at 09:00");
    await expectCoachingError(coach.skip(slackCohort, users[1]!, "2026-11-04"), "not-an-admin");

    // Day 1, Thu 29 Oct (EDT, UTC-4): nothing at 08:59, one post at 09:00 even with two ticks racing.
    await tickAt("2026-10-29T12:59:00Z");
    expect(messenger.sent).toEqual([]);
    clock.set("2026-10-29T13:00:00Z");
    await Promise.all([coach.tick(), coach.tick()]);
    expect(promptsSent()).toHaveLength(1);
    const day1Post = promptsSent()[0]!;
    expect(day1Post.to).toEqual({ kind: "channel", cohort: slackCohort });
    const day1 = (day1Post.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    messenger.take();

    for (const n of [1, 2, 3, 4, 5, 6]) expect((await answerAs(n, day1)).created).toBe(true);
    // The edit is a real answer to the posted question (its strong-answer outline), so the check re-runs and finds cues.
    const day1Question = (day1Post.message as Extract<CoachMessage, { kind: "prompt" }>).question;
    const edited = await answerAs(2, day1, `Edited: ${day1Question.outline.join(". ")}.`);
    expect(edited.created).toBe(false);
    expect((await repos.answers.find(day1, "slack:T1:U2"))?.body).toMatch(/^Edited:/);
    expect(edited.check.addressesQuestion).toBe(true);
    expect(edited.check.shown.length).toBeGreaterThan(0);
    await coach.withdraw({ sourceRef: `slack:T1:C1:ans-${day1}-5` });
    await expectCoachingError(answerAs(6, day1, "x".repeat(4_001)), "answer-too-long");
    expect((await repos.answers.find(day1, "slack:T1:U6"))?.body).toMatch(/^Answer from 6/);

    await tickAt("2026-10-29T20:00:00Z");
    expect(messenger.sent.map((s) => [s.message.kind, s.to.kind])).toEqual([["answer-reminder", "thread"]]);
    expect(messenger.sent[0]!.message).toMatchObject({ answerCount: 5 });
    messenger.take();

    await tickAt("2026-10-29T21:00:00Z");
    await expectCoachingError(answerAs(3, day1, "too late"), "window-closed");
    const opened = messenger.take();
    expect(opened[0]!.message).toMatchObject({ kind: "reviews-open", answerCount: 5, reviewerCount: 5 });
    const day1Cards = reviewCards(opened);
    expect(day1Cards).toHaveLength(15);
    const load = new Map<string, number>();
    for (const card of day1Cards) {
      const assignment = (await repos.reviews.get(card.assignmentId))!;
      const answer = (await repos.answers.get(assignment.answerId))!;
      expect(assignment.reviewerRef).not.toBe(answer.userRef);
      expect(card.answerText).not.toContain("Member");
      load.set(assignment.reviewerRef, (load.get(assignment.reviewerRef) ?? 0) + 1);
    }
    expect(Math.max(...load.values())).toBeLessThanOrEqual(4);
    expect(load.has("slack:T1:U5")).toBe(false);

    // Concurrent and repeated clicks leave one score; a click on someone else's review changes nothing.
    const first = (await repos.reviews.get(day1Cards[0]!.assignmentId))!;
    const criterionId = day1Cards[0]!.criteria[0]!.id;
    await Promise.all([1, 2, 2, 1].map((score) => coach.score({ assignmentId: first.id, reviewerRef: first.reviewerRef, criterionId, score })));
    expect((await repos.reviews.scores(first.id)).size).toBe(1);
    // A forged criterion or score out of range is refused and records nothing.
    await expectCoachingError(coach.score({ assignmentId: first.id, reviewerRef: first.reviewerRef, criterionId: "no-such-criterion", score: 3 }), "bad-score");
    await expectCoachingError(coach.score({ assignmentId: first.id, reviewerRef: first.reviewerRef, criterionId, score: 6 }), "bad-score");
    expect((await repos.reviews.scores(first.id)).size).toBe(1);
    const intruder = users.find((u) => u.userRef !== first.reviewerRef)!;
    await expectCoachingError(coach.score({ assignmentId: first.id, reviewerRef: intruder.userRef, criterionId, score: 5 }), "not-your-review");
    await expectCoachingError(coach.submitReview({ assignmentId: first.id, reviewerRef: first.reviewerRef }), "review-incomplete");

    await reviewAll(day1Cards, "slack:T1:U4");
    // A click on a submitted review is refused.
    const submitted = (await Promise.all(day1Cards.map((card) => repos.reviews.get(card.assignmentId)))).find((a) => a!.reviewerRef !== "slack:T1:U4")!;
    await expectCoachingError(coach.score({ assignmentId: submitted.id, reviewerRef: submitted.reviewerRef, criterionId, score: 1 }), "review-submitted");

    // Two hours before reviews close, only the reviewer with unfinished reviews hears about it.
    await tickAt("2026-10-30T11:00:00Z");
    const reminders = messenger.take();
    expect(reminders.map((r) => [r.message.kind, r.to.kind === "user" ? r.to.userRef : ""])).toEqual([["reviewer-reminder", "slack:T1:U4"]]);

    // Day 2, Fri 30 Oct: reviews of day 1 close and day 2 posts in the same tick.
    await tickAt("2026-10-30T13:00:00Z");
    const day2Sent = messenger.take();
    const results = day2Sent.find((s) => s.message.kind === "results")!.message as Extract<CoachMessage, { kind: "results" }>;
    expect(results).toMatchObject({ answerCount: 5, memberCount: 6, reviewsAssigned: 15 });
    expect(results.reviewsSubmitted).toBe(15 - load.get("slack:T1:U4")!);
    // Members 3 and 6 are both graded 3 everywhere: which of them comes third depends on the draw.
    expect(results.top.map((t) => t.displayName).slice(0, 2)).toEqual(["Member 1", "Member 2"]);
    expect(["Member 3", "Member 6"]).toContain(results.top[2]?.displayName);
    const feedback = day2Sent.filter((s) => s.message.kind === "feedback");
    expect(feedback.map((f) => (f.to.kind === "user" ? f.to.userRef : "")).sort()).toEqual(["slack:T1:U1", "slack:T1:U2", "slack:T1:U3", "slack:T1:U4", "slack:T1:U6"]);
    const u1Feedback = feedback.find((f) => f.to.kind === "user" && f.to.userRef === "slack:T1:U1")!.message as Extract<CoachMessage, { kind: "feedback" }>;
    // Three 5s on a cohort's first day are strong evidence, not proof: the score is shrunk a little toward the day's average.
    for (const c of u1Feedback.feedback.criteria) expect(c.score).toBeGreaterThan(4.5);
    expect(u1Feedback.feedback.outline.length).toBeGreaterThanOrEqual(4);
    const day2 = (day2Sent.find((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;

    const runDay = async (promptId: number, answerers: number[], closeAtIso: string | "close-now", openIso: string) => {
      for (const n of answerers) await answerAs(n, promptId);
      await tickAt(openIso);
      await reviewAll(reviewCards(messenger.take()));
      if (closeAtIso === "close-now") expect(await coach.closeNow(slackCohort, admin)).toBe("done");
      else await tickAt(closeAtIso);
    };

    // Day 2 closes Mon 2 Nov at 09:00 EST, which is 14:00Z after the DST change: 13:00Z does nothing.
    await runDay(day2, [1, 2, 3, 4], "2026-11-02T13:00:00Z", "2026-10-30T21:00:00Z");
    expect(messenger.take().map((m) => m.message.kind)).toEqual([]);
    await tickAt("2026-11-02T14:00:00Z");
    const day3Sent = messenger.take();
    expect(day3Sent.filter((s) => s.message.kind === "results")).toHaveLength(1);
    const day3Prompt = day3Sent.find((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>;
    expect(day3Prompt.answersCloseAt.toISOString()).toBe("2026-11-02T22:00:00.000Z");

    // Day 3 reviews close at the next posting day, Wed 4 Nov, because Tue 3 Nov is skipped.
    await runDay(day3Prompt.promptId, [1, 2, 3, 5], "2026-11-03T14:00:00Z", "2026-11-02T22:00:00Z");
    expect(kinds()).toEqual([]);
    expect(await coach.pause(slackCohort, admin)).toContain("paused");
    await tickAt("2026-11-04T14:00:00Z");
    expect(kinds()).toEqual(["feedback", "feedback", "feedback", "feedback", "results"]);
    await tickAt("2026-11-04T15:00:00Z");
    expect(kinds()).toEqual([]);
    clock.set("2026-11-04T23:30:00Z");
    expect(await coach.resume(slackCohort, admin)).toBe("Weekdays at 09:00 America/New_York; next question Thu 5 Nov");
    await tickAt("2026-11-04T23:31:00Z");
    expect(kinds()).toEqual([]);

    await tickAt("2026-11-05T14:00:00Z");
    const day4 = (messenger.take().find((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    await runDay(day4, [1, 2, 4], "2026-11-06T14:00:00Z", "2026-11-05T22:00:00Z");
    const day5 = (messenger.take().find((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    await runDay(day5, [1, 3], "close-now", "2026-11-06T22:00:00Z");
    expect(kinds()).toEqual(["feedback", "feedback", "results"]);

    const prompts = await repos.prompts.forCohort((await coach.requireCohort(slackCohort)).id);
    expect(prompts.map((p) => [p.localDate, p.postAt.toISOString()])).toEqual([
      ["2026-10-29", "2026-10-29T13:00:00.000Z"],
      ["2026-10-30", "2026-10-30T13:00:00.000Z"],
      ["2026-11-02", "2026-11-02T14:00:00.000Z"],
      ["2026-11-05", "2026-11-05T14:00:00.000Z"],
      ["2026-11-06", "2026-11-06T14:00:00.000Z"],
    ]);
    expect(new Set(prompts.map((p) => p.questionId)).size).toBe(5);

    // Expected points, from the rules: 10 per answer, +2 per streak day beyond the first,
    // 5 per submitted review, 2 x corrected score per scored answer.
    const streakBonus: Record<number, number> = { 1: 2 + 4 + 6 + 8, 2: 2 + 4 + 6, 3: 2 + 4, 4: 2, 5: 0, 6: 0 };
    const answersKept: Record<number, number> = { 1: 5, 2: 4, 3: 4, 4: 3, 5: 1, 6: 1 };
    const quality = (n: number) => answersKept[n]! * Math.round(2 * trueScore[`U${n}`]!);
    const reviewsDone = new Map<string, number>();
    for (const p of prompts) {
      for (const a of await repos.reviews.forPrompt(p.id)) {
        if (a.submittedAt) reviewsDone.set(a.reviewerRef, (reviewsDone.get(a.reviewerRef) ?? 0) + 1);
      }
    }
    const expected = (n: number) => answersKept[n]! * 10 + streakBonus[n]! + 5 * (reviewsDone.get(`slack:T1:U${n}`) ?? 0) + quality(n);
    // Corrected scores are shrunk a little toward each day's average (three unanimous grades are
    // strong evidence, not proof), so an answer's quality points may miss 2 x the grade by one.
    const near = (points: number, n: number) => Math.abs(points - expected(n)) <= answersKept[n]!;
    const board = await coach.leaderboard(slackCohort, "slack:T1:U6", "all");
    expect(board.top.map((r) => r.displayName).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `Member ${n}`));
    for (const n of [1, 2, 3, 4, 5, 6]) expect(near(board.top.find((r) => r.displayName === `Member ${n}`)!.points, n)).toBe(true);
    expect(board.me?.userRef).toBe("slack:T1:U6");
    expect(board.quality[0]?.displayName).toBe("Member 1");

    const stats = await coach.me(slackCohort, users[0]!);
    expect(stats).toMatchObject({ answers: 5, streak: 5 });

    // Forget-me: U6 disappears; others keep their points, re-scored without U6's grades.
    const u6Reviewed = (await repos.reviews.forReviewer("slack:T1:U6")).length;
    expect(u6Reviewed).toBeGreaterThan(0);
    await coach.forgetMe({ userRef: "slack:T1:U6" });
    const after = await coach.leaderboard(slackCohort, "slack:T1:U1", "all");
    expect(after.top.map((r) => r.displayName)).not.toContain("Member 6");
    for (const n of [1, 2, 3, 4, 5]) {
      const row = after.top.find((r) => r.displayName === `Member ${n}`)!;
      expect(near(row.points, n)).toBe(true);
    }
    expect(await repos.answers.forUser("slack:T1:U6")).toEqual([]);
    expect(await repos.reviews.forReviewer("slack:T1:U6")).toEqual([]);
  });

  it("runs each step exactly once after a crash between claiming it and sending it", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(["humana/ai-pm", "09:00", "America/New_York"]));
    messenger.failNextSend();
    await tickAt("2026-10-29T13:00:00Z");
    expect(promptsSent()).toHaveLength(0);
    // The claim's lease still holds one minute later: nobody re-sends yet.
    await tickAt("2026-10-29T13:01:00Z");
    expect(promptsSent()).toHaveLength(0);
    await tickAt("2026-10-29T13:03:00Z");
    expect(promptsSent()).toHaveLength(1);
    await Promise.all([tickAt("2026-10-29T13:04:00Z"), coach.tick(), coach.tick()]);
    expect(promptsSent()).toHaveLength(1);
  });

  it("catches up after downtime with only the newest due step", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(["humana/ai-pm", "09:00", "America/New_York"]));
    await tickAt("2026-10-29T13:00:00Z");
    const promptId = (promptsSent()[0]!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    await answerAs(1, promptId);
    await answerAs(2, promptId);
    messenger.take();
    // Down from 09:01 until 18:30: the 16:00 reminder is skipped, reviews open once.
    const report = await tickAt("2026-10-29T22:30:00Z");
    expect(kinds()).toEqual(["reviews-open", "review-request", "review-request"]);
    expect(report.skipped).toEqual([{ promptId, step: "answer-reminder" }]);
    // Down for three days: no burst of stale posts, just today's question if it is due.
    await tickAt("2026-11-02T15:00:00Z");
    expect(kinds()).toEqual(["feedback", "feedback", "results", "prompt"]);
    const prompts = await repos.prompts.forCohort((await coach.requireCohort(slackCohort)).id);
    expect(prompts.map((p) => p.localDate)).toEqual(["2026-10-29", "2026-11-02"]);
  });

  it("tells the thread when fewer than two answers arrived", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(["humana/ai-pm"]));
    await tickAt("2026-10-29T13:00:00Z");
    const promptId = (promptsSent()[0]!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    await answerAs(1, promptId);
    messenger.take();
    await tickAt("2026-10-29T21:00:00Z");
    expect(messenger.take().map((m) => m.message)).toEqual([{ kind: "no-reviews", promptId, answerCount: 1 }]);
  });

  it("refuses setup from a non-admin and an unknown track, changing nothing", async () => {
    await expectCoachingError(coach.setup(slackCohort, users[1]!, coach.parseSchedule(["humana/ai-pm"])), "not-an-admin");
    await expectCoachingError(coach.setup(slackCohort, admin, coach.parseSchedule(["acme/nothing"])), "unknown-track");
    expect(() => coach.parseSchedule(["humana/ai-pm", "25:00"])).toThrow(/not a time/);
    expect(() => coach.parseSchedule(["humana/ai-pm", "Mars/Olympus"])).toThrow(/not a time zone/);
    expect(() => coach.parseSchedule(["humana/ai-pm", "someday"])).toThrow(/not a set of days/);
    expect(await coach.cohort(slackCohort)).toBeUndefined();
  });
});

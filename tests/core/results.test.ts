import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { Coach } from "../../src/core/coach.ts";
import type { AuthorFeedback, CoachMessage } from "../../src/core/messages.ts";
import type { Repositories } from "../../src/core/ports.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { testDatabases } from "../support/databases.ts";
import { useEngine } from "../support/engine.ts";
import { type FixedClock, member, type RecordingMessenger, slackCohort } from "../fakes/core.ts";

const expectCode = (work: Promise<unknown>, code: string) => expect(work).rejects.toMatchObject({ name: "CoachingError", code });

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../questions"));
const admin = member(1, true);

describe.each(testDatabases())("results and leaderboards on $name", (target) => {
  const engine = useEngine(target, "2026-10-28T16:00:00Z", bank);
  let repos: Repositories;
  let coach: Coach;
  let messenger: RecordingMessenger;
  let clock: FixedClock;
  beforeEach(async () => {
    ({ repos, coach, messenger, clock } = engine);
    await coach.setup(slackCohort, admin, { trackId: "oscar-health/ai-pm" });
  });

  async function playDay(scores: Record<number, number>) {
    expect(await coach.postNow(slackCohort, admin)).toBe("done");
    const promptId = (messenger.sent.findLast((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    for (const n of Object.keys(scores).map(Number)) {
      await coach.answer({ prompt: promptId, actor: member(n), text: `answer ${n}`, sourceRef: null });
    }
    await coach.openReviews(slackCohort, admin);
    for (const assignment of await repos.reviews.forPrompt(promptId)) {
      const author = (await repos.answers.get(assignment.answerId))!.userRef;
      const card = (await coach.showReview(assignment.id, assignment.reviewerRef))!;
      for (const c of card.criteria) {
        await coach.score({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef, criterionId: c.id, score: scores[Number(author.split("U")[1])]! });
      }
      await coach.submitReview({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef });
    }
    await coach.closeNow(slackCohort, admin);
    return messenger.sent.findLast((s) => s.message.kind === "results")!.message as Extract<CoachMessage, { kind: "results" }>;
  }

  it("hides other reviewers' scores from a reviewer until they submit, then shows them", async () => {
    expect(await coach.postNow(slackCohort, admin)).toBe("done");
    const promptId = (messenger.sent.findLast((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    for (const n of [1, 2, 3, 4]) await coach.answer({ prompt: promptId, actor: member(n), text: `answer ${n}`, sourceRef: null });
    await coach.openReviews(slackCohort, admin);
    const assignments = await repos.reviews.forPrompt(promptId);
    const answerId = assignments[0]!.answerId;
    const [early, late, ...rest] = assignments.filter((a) => a.answerId === answerId);
    expect(rest.length).toBeGreaterThanOrEqual(1);
    const scoreAll = async (assignment: typeof early, score: number) => {
      const card = (await coach.showReview(assignment!.id, assignment!.reviewerRef))!;
      for (const c of card.criteria) await coach.score({ assignmentId: assignment!.id, reviewerRef: assignment!.reviewerRef, criterionId: c.id, score });
      return coach.submitReview({ assignmentId: assignment!.id, reviewerRef: assignment!.reviewerRef });
    };

    // The first to submit has nobody to compare with yet.
    expect((await scoreAll(early, 2)).criteria.every((c) => c.peers === undefined)).toBe(true);
    // The second scores blind: the first reviewer's 2s are nowhere on the card while it is open.
    const whileScoring = (await coach.showReview(late!.id, late!.reviewerRef))!;
    expect(whileScoring.criteria.every((c) => c.peers === undefined)).toBe(true);
    const submitted = await scoreAll(late, 4);
    expect(submitted.criteria.map((c) => c.peers)).toEqual(submitted.criteria.map(() => ({ mean: 2, count: 1 })));
    // And the first now sees the second's scores too.
    const first = (await coach.showReview(early!.id, early!.reviewerRef))!;
    expect(first.criteria.map((c) => c.peers)).toEqual(first.criteria.map(() => ({ mean: 4, count: 1 })));
  });

  it("gives an author their feedback again on request once reviews close, and only then", async () => {
    expect(await coach.postNow(slackCohort, admin)).toBe("done");
    const promptId = (messenger.sent.findLast((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    for (const n of [1, 2, 3]) await coach.answer({ prompt: promptId, actor: member(n), text: `answer ${n}`, sourceRef: null });
    await expectCode(coach.feedback(promptId, "slack:T1:U1"), "feedback-not-ready");
    await coach.openReviews(slackCohort, admin);
    for (const assignment of await repos.reviews.forPrompt(promptId)) {
      const card = (await coach.showReview(assignment.id, assignment.reviewerRef))!;
      for (const c of card.criteria) await coach.score({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef, criterionId: c.id, score: 4 });
      await coach.comment({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef, comment: `from ${assignment.reviewerRef}` });
      await coach.submitReview({ assignmentId: assignment.id, reviewerRef: assignment.reviewerRef });
    }
    await expectCode(coach.feedback(promptId, "slack:T1:U1"), "feedback-not-ready");
    await coach.closeNow(slackCohort, admin);

    const sent = messenger.sent.find((s) => s.message.kind === "feedback" && s.to.kind === "user" && s.to.userRef === "slack:T1:U1")!.message;
    // Stored results are single-precision; what members read (one decimal) is the same.
    const rounded = (f: AuthorFeedback) => ({ ...f, criteria: f.criteria.map((c) => ({ ...c, score: c.score.toFixed(3), uncertainty: c.uncertainty.toFixed(3) })) });
    expect(rounded(await coach.feedback(promptId, "slack:T1:U1"))).toEqual(rounded((sent as Extract<CoachMessage, { kind: "feedback" }>).feedback));
    const mine = await coach.feedback(promptId, "slack:T1:U1");
    expect(mine.criteria.every((c) => c.score > 3.5 && c.score < 4.5)).toBe(true);
    expect(mine.comments.length).toBeGreaterThan(0);
    expect(mine.comments.some((c) => c.includes("U1"))).toBe(false);
    await expectCode(coach.feedback(promptId, "slack:T1:U4"), "no-answer");
  });

  it("names top answers only for members who allow it", async () => {
    await coach.showInResults(slackCohort, member(2), false);
    const results = await playDay({ 1: 3, 2: 5, 3: 4 });
    expect(results.top.map((t) => [t.rank, t.displayName])).toEqual([
      [1, undefined],
      [2, "Member 3"],
      [3, "Member 1"],
    ]);
  });

  it("counts the week and month in the cohort's zone and a new season from zero", async () => {
    clock.set("2026-11-02T15:00:00Z");
    await playDay({ 1: 5, 2: 2 });
    const week = await coach.leaderboard(slackCohort, "slack:T1:U1", "week");
    expect(week.label).toBe("Week of 2 Nov");
    expect(week.top.map((r) => r.displayName)).toEqual(["Member 1", "Member 2"]);
    // Answer 10, review 5, and quality points for unanimous 5s, pulled a little toward the
    // day's other answer by the scoring's shrinkage; the all-time board holds the same day.
    expect(week.top[0]!.points).toBeGreaterThan(10 + 5 + 2 * 4);
    expect(week.top[0]!.points).toBe((await coach.leaderboard(slackCohort, "slack:T1:U1", "all")).top[0]!.points);
    clock.set("2026-11-09T15:00:00Z");
    expect((await coach.leaderboard(slackCohort, "slack:T1:U1", "week")).top).toEqual([]);
    expect((await coach.leaderboard(slackCohort, "slack:T1:U1", "month")).top).toHaveLength(2);
    expect(await coach.newSeason(slackCohort, admin)).toBe(2);
    expect((await coach.leaderboard(slackCohort, "slack:T1:U1", "season")).top).toEqual([]);
    expect((await coach.leaderboard(slackCohort, "slack:T1:U1", "all")).top).toHaveLength(2);
  });

  it("shows a member outside the top 10 their rank and neighbours", async () => {
    const scores = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [i + 1, i === 12 ? 1 : 5]));
    await playDay(scores);
    const board = await coach.leaderboard(slackCohort, "slack:T1:U13", "all");
    expect(board.top).toHaveLength(10);
    expect(board.me?.rank).toBeGreaterThan(10);
    expect(board.around.map((r) => r.userRef)).toContain("slack:T1:U13");
    expect(board.around).toHaveLength(board.me!.rank === 13 ? 2 : 3);
  });
});

import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { Coach } from "../../../src/core/coach.ts";
import type { Repositories } from "../../../src/core/ports.ts";
import { loadQuestionBank } from "../../../src/questions/loader.ts";
import { member, slackCohort, type FixedClock } from "../../fakes/core.ts";
import { testDatabases } from "../../support/databases.ts";
import { useEngine } from "../../support/engine.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../../questions"));
const me = "web:practitioner";
const TRACK = "humana/ai-pm";

describe.each(testDatabases())("solo practice and cohort links on $name", (target) => {
  const engine = useEngine(target, "2026-06-01T14:00:00Z", bank);
  let repos: Repositories;
  let coach: Coach;
  let clock: FixedClock;
  beforeEach(() => {
    ({ repos, coach, clock } = engine);
  });

  it("keeps today's question for the day, records one attempt however often it is answered, and moves on the next day", async () => {
    const today = await coach.todaysQuestion(me, TRACK);
    expect(today.attempt).toBeUndefined();
    const first = await coach.answerToday(me, TRACK, "first try: the user is the clinician");
    const again = await coach.answerToday(me, TRACK, "second try: falls per 1,000 members");
    expect(again.attemptId).toBe(first.attemptId);
    expect(await repos.drills.attempts(me)).toHaveLength(1);
    expect((await coach.todaysQuestion(me, TRACK)).question.id).toBe(today.question.id);
    expect((await coach.attempt(first.attemptId, me)).attempt.body).toBe("second try: falls per 1,000 members");

    clock.set("2026-06-02T14:00:00Z");
    const tomorrow = await coach.todaysQuestion(me, TRACK);
    expect(tomorrow.question.id).not.toBe(today.question.id);
    expect(tomorrow.attempt).toBeUndefined();
  });

  it("refuses empty and over-long answers and unknown tracks without writing anything", async () => {
    await expect(coach.answerToday(me, TRACK, "  ")).rejects.toMatchObject({ code: "answer-empty" });
    await expect(coach.answerToday(me, TRACK, "x".repeat(20_000))).rejects.toMatchObject({ code: "answer-too-long" });
    await expect(coach.answerToday(me, "nobody/nothing", "an answer")).rejects.toMatchObject({ code: "unknown-track" });
    expect(await repos.drills.attempts(me)).toHaveLength(0);
  });

  it("starts one drill per request key, shows a weakly rated one as due today, and charts the ratings", async () => {
    const a = await coach.drill({ userRef: me, trackId: TRACK, requestKey: "form-1" });
    const b = await coach.drill({ userRef: me, trackId: TRACK, requestKey: "form-1" });
    expect(b.attemptId).toBe(a.attemptId);
    // Another user's identical key is theirs alone.
    expect((await coach.drill({ userRef: "web:other", trackId: TRACK, requestKey: "form-1" })).attemptId).not.toBe(a.attemptId);
    await coach.answerDrill({ attemptId: a.attemptId, userRef: me, text: "an answer" });
    const ratings = Object.fromEntries(a.question.rubric.criteria.map((c) => [c.id, 1]));
    await coach.rateDrill({ attemptId: a.attemptId, userRef: me, ratings });
    expect((await coach.dueDrills(me)).map((d) => d.question.id)).toEqual([a.question.id]);
    const history = await coach.practiceHistory(me);
    expect(history.criteria.map((c) => c.points)).toEqual(a.question.rubric.criteria.map(() => [{ localDate: "2026-06-01", score: 1, questionId: a.question.id }]));
  });

  it("hands every member the same cohort link until an admin rotates it, and the page opens only with the current one", async () => {
    const admin = member(1, true);
    await coach.setup(slackCohort, admin, { trackId: TRACK });
    const one = await coach.cohortLink(slackCohort, member(2));
    expect((await coach.cohortLink(slackCohort, member(2))).url).toBe(one.url);
    const token = (url: string) => new URL(url).pathname.split("/")[2]!;
    expect((await coach.cohortPage(token(one.url), undefined, "week")).trackId).toBe(TRACK);
    const rotated = await coach.rotateCohortLink(slackCohort, admin);
    expect(token(rotated.url)).not.toBe(token(one.url));
    await expect(coach.cohortPage(token(one.url), undefined, "week")).rejects.toMatchObject({ code: "unknown-link" });
    expect((await coach.cohortPage(token(rotated.url), undefined, "all")).leaderboard.period).toBe("all");
  });
});

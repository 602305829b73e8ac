import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { checkAnswer } from "../../../src/core/answers/check-answer.ts";
import type { Coach } from "../../../src/core/coach.ts";
import { CoachingError } from "../../../src/core/errors.ts";
import type { Repositories } from "../../../src/core/ports.ts";
import { loadQuestionBank } from "../../../src/questions/loader.ts";
import { testDatabases } from "../../support/databases.ts";
import { useEngine } from "../../support/engine.ts";
import { type FixedClock, member, slackCohort } from "../../fakes/core.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../../questions"));
const me = "slack:T1:U9";
const DAY = 86_400_000;

describe.each(testDatabases())("drills on $name", (target) => {
  const engine = useEngine(target, "2026-06-01T12:00:00Z", bank);
  let repos: Repositories;
  let coach: Coach;
  let clock: FixedClock;
  beforeEach(() => {
    ({ repos, coach, clock } = engine);
  });

  const rateAll = async (attemptId: number, score: number, cohortId?: number) => {
    const attempt = (await repos.drills.getAttempt(attemptId))!;
    const question = (await repos.questions.get(attempt.questionId))!;
    const ratings = Object.fromEntries(question.rubric.criteria.map((c) => [c.id, score]));
    return coach.rateDrill({ attemptId, userRef: me, ratings, cohortId });
  };

  it("serves a question, checks the answer, and schedules a weak self-rating sooner than a strong one", async () => {
    const first = await coach.drill({ userRef: me, trackId: "cvs-health/ml-engineer", category: "sql" });
    expect(first.question.category.id).toBe("sql");
    const text = "SELECT member_id, count(*) FROM claims GROUP BY 1; handle NULLs with coalesce";
    const feedback = await coach.answerDrill({ attemptId: first.attemptId, userRef: me, text });
    expect(feedback.check).toEqual(checkAnswer(first.question, text));
    const weak = await rateAll(first.attemptId, 1);

    const second = await coach.drill({ userRef: me, trackId: "cvs-health/ml-engineer", category: "sql" });
    expect(second.question.id).not.toBe(first.question.id);
    const strong = await rateAll(second.attemptId, 5);
    expect(weak.nextDueAt.getTime()).toBeLessThan(strong.nextDueAt.getTime());

    // Once the weak card is due it comes back before anything new.
    clock.set(new Date(weak.nextDueAt.getTime() + 1_000));
    const again = await coach.drill({ userRef: me, trackId: "cvs-health/ml-engineer", category: "sql" });
    expect(again).toMatchObject({ reason: "due for review" });
    expect(again.question.id).toBe(first.question.id);
  });

  it("targets the criterion the member rates lowest", async () => {
    const first = await coach.drill({ userRef: me, trackId: "humana/ai-pm" });
    const attempt = (await repos.drills.getAttempt(first.attemptId))!;
    const question = (await repos.questions.get(attempt.questionId))!;
    const weakest = question.rubric.criteria[0]!;
    await coach.rateDrill({ attemptId: first.attemptId, userRef: me, ratings: Object.fromEntries(question.rubric.criteria.map((c) => [c.id, c.id === weakest.id ? 1 : 5])) });
    const next = await coach.drill({ userRef: me, trackId: "humana/ai-pm" });
    expect(next.question.rubric.criteria.map((c) => c.id)).toContain(weakest.id);
    expect(next.reason).toBe(`targets your weakest criterion: ${weakest.label}`);
  });

  it("caps drill points per day and rates each attempt once", async () => {
    const { cohort } = await coach.setup(slackCohort, member(1, true), { trackId: "humana/ai-pm" });
    let awarded = 0;
    for (let i = 0; i < 5; i++) {
      const drill = await coach.drill({ userRef: me, trackId: "humana/ai-pm" });
      awarded += (await rateAll(drill.attemptId, 3, cohort.id)).pointsAwarded;
      expect((await rateAll(drill.attemptId, 3, cohort.id)).pointsAwarded).toBe(0);
    }
    expect(awarded).toBe(6);
    clock.advance(DAY);
    const tomorrow = await coach.drill({ userRef: me, trackId: "humana/ai-pm" });
    expect((await rateAll(tomorrow.attemptId, 3, cohort.id)).pointsAwarded).toBe(2);
  });

  it("refuses someone else's drill and unknown tracks or categories in plain words", async () => {
    const drill = await coach.drill({ userRef: me, trackId: "humana/ai-pm" });
    await expect(coach.answerDrill({ attemptId: drill.attemptId, userRef: "slack:T1:U1", text: "mine" })).rejects.toThrow(CoachingError);
    await expect(coach.drill({ userRef: me, trackId: "nope/none" })).rejects.toThrow(/There is no track "nope\/none"/);
    await expect(coach.drill({ userRef: me, trackId: "humana/ai-pm", category: "cooking" })).rejects.toThrow(/has no category "cooking"/);
    await expect(coach.answerDrill({ attemptId: drill.attemptId, userRef: me, text: "y".repeat(4_001) })).rejects.toThrow(/limit is 4000/);
  });
});

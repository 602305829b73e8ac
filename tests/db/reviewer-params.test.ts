import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CoachDeps } from "../../src/core/deps.ts";
import type { AuthorParams, Repositories, ReviewerParams } from "../../src/core/ports.ts";
import { EMPTY_STATS } from "../../src/core/scores/bias-model.ts";
import { closePrompt } from "../../src/core/scores/close-prompt.ts";
import { refitCohort } from "../../src/core/scores/reviewer-params.ts";
import type { Database } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { answerResults, answers, authorParams, cohorts, memberQuality, prompts, reviewAssignments, reviewerParams, reviewScores } from "../../src/db/schema.ts";
import { testDatabases, truncateAll } from "../support/databases.ts";

const at = new Date("2026-10-01T13:00:00Z");

describe.each(testDatabases())("stored reviewer parameters on $name", (target) => {
  let database: Database;
  let repos: Repositories;
  beforeAll(async () => {
    database = await target.open();
    repos = createRepositories(database.db);
  });
  afterAll(() => database.close());
  beforeEach(() => truncateAll(database));

  /** A cohort with `days` prompts; each answer by m<i> graded by the next `reviewers` members. */
  async function history(days: number, members: number, reviewers = 3, criteria = ["c1", "c2"]) {
    const [cohort] = await database.db
      .insert(cohorts)
      .values({ platform: "slack", workspaceId: "T1", channelId: "C1", trackId: "t", postTime: "09:00", timeZone: "UTC", weekdays: [1, 2, 3, 4, 5], answerCloseTime: "17:00", reviewCloseTime: "09:00", reviewersPerAnswer: reviewers, createdBy: "m0", createdAt: at })
      .returning();
    const promptIds: number[] = [];
    for (let day = 0; day < days; day++) {
      const [prompt] = await database.db
        .insert(prompts)
        .values({ cohortId: cohort!.id, localDate: `2026-10-${String(day + 1).padStart(2, "0")}`, questionId: "q", season: 1, postAt: at, answersCloseAt: at, reviewsCloseAt: at, createdAt: at })
        .returning();
      promptIds.push(prompt!.id);
      const rows = await database.db
        .insert(answers)
        .values(Array.from({ length: members }, (_, i) => ({ promptId: prompt!.id, userRef: `m${i}`, body: "b", createdAt: at, updatedAt: at })))
        .returning();
      const assigned = await database.db
        .insert(reviewAssignments)
        .values(rows.flatMap((a, i) => Array.from({ length: reviewers }, (_, r) => ({ promptId: prompt!.id, answerId: a.id, reviewerRef: `m${(i + r + 1) % members}`, submittedAt: at, createdAt: at }))))
        .returning();
      await database.db.insert(reviewScores).values(assigned.flatMap((a) => criteria.map((criterionId) => ({ assignmentId: a.id, criterionId, score: 1 + ((a.id * 7 + criterionId.length) % 5), updatedAt: at }))));
    }
    return { cohortId: cohort!.id, promptIds };
  }

  const params = (reviewerRef: string, bias: number): ReviewerParams => ({ criterionId: "c1", reviewerRef, bias, scale: 1, reliability: 2, stats: { ...EMPTY_STATS, count: 3, wy: 1.5, top: 0.5 } });

  it("gives the reviewer-author pairs of the cohort's latest prompt before a day, in one statement, so a new draw can avoid them", async () => {
    const { cohortId } = await history(3, 4, 2);
    const expected = Array.from({ length: 4 }, (_, author) => [1, 2].map((r) => `m${(author + r) % 4}>m${author}`)).flat().sort();
    const pairsText = async (localDate: string) => (await repos.reviews.pairsBefore(cohortId, localDate)).map((p) => `${p.reviewerRef}>${p.authorRef}`).sort();
    expect(await pairsText("2026-10-03")).toEqual(expected);
    // After a gap (a weekend, a skipped day): still the latest earlier prompt.
    expect(await pairsText("2026-10-09")).toEqual(expected);
    expect(await pairsText("2026-10-01")).toEqual([]);
    expect(await repos.reviews.pairsBefore(cohortId + 1, "2026-10-09")).toEqual([]);
  });

  it("loads a close's grades, its reviewers' parameters and the state in one call, and the state even when nobody graded", async () => {
    const { cohortId, promptIds } = await history(2, 4);
    const state = { foldedThroughPromptId: promptIds[0]!, closes: 1, closesAtRefit: 1 };
    expect(await repos.reviews.saveReviewerParams(cohortId, { expected: undefined, next: state, params: [params("m1", 0.25), params("zz-not-reviewing", 1)], authors: [], replace: true })).toBe(true);

    const inputs = await repos.reviews.closeInputs(cohortId, promptIds[1]!);
    expect(inputs.state).toEqual(state);
    expect(inputs.grades).toHaveLength(4 * 3 * 2);
    expect(inputs.grades.every((g) => g.promptId === promptIds[1])).toBe(true);
    expect(inputs.params).toEqual([params("m1", 0.25)]);

    const empty = await repos.reviews.closeInputs(cohortId, 999_999);
    expect(empty).toEqual({ grades: [], params: [], authors: [], state, scored: false });
  });

  it("loads the stored sums of the prompt's authors with its grades, and a refit drops the authors it no longer saw", async () => {
    const { cohortId, promptIds } = await history(2, 4);
    const state = { foldedThroughPromptId: promptIds[0]!, closes: 1, closesAtRefit: 1 };
    const sums = (authorRef: string, wz: number): AuthorParams => ({ criterionId: "c1", authorRef, stats: { count: 2, weight: 3, wz, wzz: 1, wv: 0.5, grades: 6, top: 0.25 } });
    expect(await repos.reviews.saveReviewerParams(cohortId, { expected: undefined, next: state, params: [], authors: [sums("m1", 0.5), sums("gone", 1)], replace: true })).toBe(true);

    const inputs = await repos.reviews.closeInputs(cohortId, promptIds[1]!);
    expect(new Set(inputs.grades.map((g) => g.authorRef))).toEqual(new Set(["m0", "m1", "m2", "m3"]));
    expect(inputs.authors).toEqual([sums("m1", 0.5)]);
    expect(new Set((await repos.reviews.cohortGrades(cohortId, promptIds[1]!)).map((g) => g.authorRef))).toEqual(new Set(["m0", "m1", "m2", "m3"]));

    await refitCohort({ repos } as unknown as CoachDeps, cohortId, promptIds[1]!, state, 2);
    const stored = (await database.db.select().from(authorParams)).filter((a) => a.criterionId === "c1");
    expect(stored.map((a) => a.authorRef).sort()).toEqual(["m0", "m1", "m2", "m3"]);
    // Two answers each, refitted from scratch: the stored sums are the refit's, not the ones saved above.
    expect(stored.every((a) => a.count === 2)).toBe(true);
    expect(stored.find((a) => a.authorRef === "m1")!.weight).not.toBe(3);
  });

  it("refuses a save from a stale state, drops the state so the next close refits, and keeps the other writer's parameters", async () => {
    const { cohortId, promptIds } = await history(1, 3);
    const first = { foldedThroughPromptId: promptIds[0]!, closes: 1, closesAtRefit: 1 };
    expect(await repos.reviews.saveReviewerParams(cohortId, { expected: undefined, next: first, params: [params("m1", 0.5)], authors: [], replace: true })).toBe(true);
    // A second writer that also started from "no state" lost the race.
    expect(await repos.reviews.saveReviewerParams(cohortId, { expected: undefined, next: first, params: [params("m1", -3)], authors: [], replace: true })).toBe(false);
    const inputs = await repos.reviews.closeInputs(cohortId, promptIds[0]!);
    expect(inputs.state).toBeUndefined();
    expect(inputs.params.find((p) => p.reviewerRef === "m1" && p.criterionId === "c1")?.bias).toBe(0.5);
  });

  it("reads a cohort's whole history across many pages, up to the given prompt only", async () => {
    const { cohortId, promptIds } = await history(3, 250, 3, ["c1"]);
    const through = await repos.reviews.cohortGrades(cohortId, promptIds[1]!);
    expect(through).toHaveLength(2 * 250 * 3);
    expect(new Set(through.map((g) => `${g.answerId}:${g.reviewerRef}`)).size).toBe(through.length);
    expect(Math.max(...through.map((g) => g.promptId))).toBe(promptIds[1]);
  });

  /** Every stored result, with its answer's author, by "answer:criterion". */
  async function storedResults() {
    const rows = await database.db.select({ result: answerResults, userRef: answers.userRef, promptId: answers.promptId }).from(answerResults).innerJoin(answers, eq(answers.id, answerResults.answerId));
    return new Map(rows.map(({ result, userRef, promptId }) => [`${result.answerId}:${result.criterionId}`, { ...result, userRef, promptId }]));
  }

  /** Stored results of every graded answer of the prompt, all 3.0 with uncertainty 1: placeholders a refit must replace. */
  async function placeholderResults(cohortId: number, promptId: number) {
    const { grades } = await repos.reviews.closeInputs(cohortId, promptId);
    const keys = new Set(grades.map((g) => `${g.answerId}:${g.criterionId}`));
    await database.db.insert(answerResults).values([...keys].map((key) => ({ answerId: Number(key.split(":")[0]), criterionId: key.split(":")[1]!, score: 3, uncertainty: 1, plainMean: 3, gradeCount: 3 })));
  }

  it("re-estimates the stored scores of earlier answers with a refit, and the members' quality with them, leaving unstored results unstored", async () => {
    const { cohortId, promptIds } = await history(3, 6);
    await placeholderResults(cohortId, promptIds[0]!);
    await placeholderResults(cohortId, promptIds[1]!);
    const qualityBefore = await database.db.select().from(memberQuality);
    expect(qualityBefore.every((q) => q.total === 3 * q.answers)).toBe(true);

    const fits = await refitCohort({ repos } as unknown as CoachDeps, cohortId, promptIds[2]!, undefined, 3);

    const stored = await storedResults();
    // 6 answers x 2 criteria on each of the two stored prompts; the third prompt had none and still has none.
    expect(stored.size).toBe(24);
    for (const [key, result] of stored) {
      const [answerId, criterionId] = key.split(":");
      const estimate = fits.get(criterionId!)!.answers.get(answerId!)!;
      expect(result.score).toBeCloseTo(estimate.score, 5);
      expect(result.uncertainty).toBeCloseTo(estimate.uncertainty, 5);
      // What the refit does not re-estimate stays as stored.
      expect([result.plainMean, result.gradeCount]).toEqual([3, 3]);
    }
    expect([...stored.values()].some((r) => Math.abs(r.score - 3) > 0.1)).toBe(true);
    const quality = await database.db.select().from(memberQuality);
    expect(quality.map((q) => q.userRef).sort()).toEqual(qualityBefore.map((q) => q.userRef).sort());
    // Each member's quality is the sum of their answers' mean scores: the re-estimated ones.
    for (const q of quality) {
      const byAnswer = new Map<number, number[]>();
      for (const r of stored.values()) if (r.userRef === q.userRef) byAnswer.set(r.answerId, [...(byAnswer.get(r.answerId) ?? []), r.score]);
      const total = [...byAnswer.values()].reduce((sum, scores) => sum + scores.reduce((a, b) => a + b, 0) / scores.length, 0);
      expect(q.total).toBeCloseTo(total, 4);
    }
  });

  it("re-estimates the earlier prompts' stored scores when a close refits, and stores the closed prompt's own results whole", async () => {
    const { cohortId, promptIds } = await history(3, 6);
    await placeholderResults(cohortId, promptIds[0]!);
    await placeholderResults(cohortId, promptIds[1]!);
    const deps = { repos, clock: { now: () => at }, log: { warn() {}, error() {} } } as unknown as CoachDeps;
    const cohort = (await repos.cohorts.get(cohortId))!;
    // No stored state: the close refits the whole history.
    await closePrompt(deps, cohort, (await repos.prompts.get(promptIds[2]!))!);

    const stored = await storedResults();
    expect(stored.size).toBe(36);
    const earlier = [...stored.values()].filter((r) => r.promptId !== promptIds[2]);
    expect(earlier).toHaveLength(24);
    expect(earlier.every((r) => r.plainMean === 3 && r.gradeCount === 3)).toBe(true);
    expect(earlier.some((r) => Math.abs(r.score - 3) > 0.1)).toBe(true);
    expect(earlier.some((r) => r.uncertainty !== 1)).toBe(true);
  });

  it("forgets a reviewer's parameters when a refit runs without their grades", async () => {
    const { cohortId, promptIds } = await history(2, 5);
    const deps = { repos } as unknown as CoachDeps;
    await refitCohort(deps, cohortId, promptIds[1]!, undefined, 2);
    const stored = async () => (await database.db.select().from(reviewerParams)).map((r) => r.reviewerRef);
    expect(await stored()).toContain("m4");

    await repos.reviews.deleteForReviewer("m4");
    const { state } = await repos.reviews.closeInputs(cohortId, promptIds[1]!);
    await refitCohort(deps, cohortId, promptIds[1]!, state, 2);
    expect(await stored()).not.toContain("m4");
    expect((await repos.reviews.closeInputs(cohortId, promptIds[1]!)).state).toEqual({ foldedThroughPromptId: promptIds[1], closes: 2, closesAtRefit: 2 });
  });
});

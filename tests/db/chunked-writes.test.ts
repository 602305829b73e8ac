import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LedgerEntry, Repositories, ReviewerParams } from "../../src/core/ports.ts";
import type { CriterionResult } from "../../src/core/prompts/types.ts";
import { EMPTY_STATS } from "../../src/core/scores/bias-model.ts";
import { refitDue } from "../../src/core/scores/reviewer-params.ts";
import type { Database } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { answerResults, answers, cohorts, pointsTotals, prompts, reviewerParams, scoringStates } from "../../src/db/schema.ts";
import { testDatabases, truncateAll } from "../support/databases.ts";

const at = new Date("2026-10-01T13:00:00Z");
/** Small enough that a handful of rows needs several statements. */
const CHUNK_ROWS = 8;
const ceilDiv = (rows: number, per: number) => Math.ceil(rows / per);

/**
 * A close's and a refit's bulk writes go out a bounded number of rows per statement (PGlite runs
 * each statement on the bot's thread), yet store what one statement stored: all of it, once.
 */
describe.each(testDatabases())("bulk writes in chunks on $name", (target) => {
  let database: Database;
  let repos: Repositories;
  const statements: string[] = [];
  const sent = (table: string) => statements.filter((s) => s.includes(`insert into "${table}"`)).length;

  beforeAll(async () => {
    database = await target.open({ onQuery: (query) => statements.push(query) });
    repos = createRepositories(database.db, { writeChunkRows: CHUNK_ROWS });
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await truncateAll(database);
    statements.length = 0;
  });

  async function cohortWithAnswers(count: number) {
    const [cohort] = await database.db
      .insert(cohorts)
      .values({ platform: "slack", workspaceId: "T1", channelId: "C1", trackId: "t", postTime: "09:00", timeZone: "UTC", weekdays: [1, 2, 3, 4, 5], answerCloseTime: "17:00", reviewCloseTime: "09:00", reviewersPerAnswer: 3, createdBy: "m0", createdAt: at })
      .returning();
    const [prompt] = await database.db
      .insert(prompts)
      .values({ cohortId: cohort!.id, localDate: "2026-10-01", questionId: "q", season: 1, postAt: at, answersCloseAt: at, reviewsCloseAt: at, createdAt: at })
      .returning();
    const rows = await database.db
      .insert(answers)
      .values(Array.from({ length: count }, (_, i) => ({ promptId: prompt!.id, userRef: `m${i}`, body: "b", createdAt: at, updatedAt: at })))
      .returning();
    statements.length = 0;
    return { cohortId: cohort!.id, answerIds: rows.map((a) => a.id) };
  }

  const result = (criterionId: string, score: number): CriterionResult => ({ criterionId, score, uncertainty: 0.5, plainMean: score, gradeCount: 3 });
  const resultsFor = (answerIds: readonly number[], score: number) => new Map(answerIds.map((id) => [id, [result("c1", score), result("c2", score)]]));
  const paramsFor = (reviewers: number, bias: number): ReviewerParams[] =>
    Array.from({ length: reviewers }, (_, i) => ({ criterionId: "c1", reviewerRef: `m${i}`, bias, scale: 1, reliability: 2, stats: { ...EMPTY_STATS, count: 3 } }));
  const state = (closes: number) => ({ foldedThroughPromptId: 1, closes, closesAtRefit: 1 });

  it("stores a large close's results and reviewers' parameters whole, in statements that grow with rows over the chunk size", async () => {
    const { cohortId, answerIds } = await cohortWithAnswers(5);
    const stored = await repos.reviews.saveClose(cohortId, resultsFor(answerIds, 4), { expected: undefined, next: state(1), params: paramsFor(11, 0.5), authors: [], replace: true });

    expect(stored).toBe(true);
    // Two results per answer, and an answer's results never split.
    expect(sent("answer_results")).toBe(ceilDiv(5, CHUNK_ROWS / 2));
    expect(sent("reviewer_params")).toBe(ceilDiv(11, CHUNK_ROWS));
    expect(await database.db.select().from(answerResults)).toHaveLength(10);
    expect((await database.db.select().from(reviewerParams)).map((p) => p.bias)).toEqual(Array(11).fill(0.5));
  });

  it("leaves every chunk of the other writer's parameters alone when a close lost the race for the state", async () => {
    const { cohortId, answerIds } = await cohortWithAnswers(1);
    await repos.reviews.saveReviewerParams(cohortId, { expected: undefined, next: state(1), params: paramsFor(11, 0.5), authors: [], replace: true });

    const stored = await repos.reviews.saveClose(cohortId, resultsFor(answerIds, 4), { expected: state(7), next: state(8), params: paramsFor(11, -2), authors: [], replace: false });

    expect(stored).toBe(false);
    expect((await database.db.select().from(reviewerParams)).map((p) => p.bias)).toEqual(Array(11).fill(0.5));
    expect(await database.db.select().from(scoringStates)).toEqual([]);
  });

  it("stores none of a close's results when their last chunk fails, and its retry refits rather than folding the prompt in twice", async () => {
    const { cohortId, answerIds } = await cohortWithAnswers(5);
    const withMissingAnswer = resultsFor([...answerIds, 999_999], 4);
    const [answer] = await database.db.select({ promptId: answers.promptId }).from(answers).where(eq(answers.id, answerIds[0]!));
    const promptId = answer!.promptId;
    const folded = { foldedThroughPromptId: promptId, closes: 1, closesAtRefit: 1 };

    await expect(repos.reviews.saveClose(cohortId, withMissingAnswer, { expected: undefined, next: folded, params: paramsFor(11, 0.5), authors: [], replace: true })).rejects.toThrow();

    expect(await database.db.select().from(answerResults)).toEqual([]);
    // The parameters' transaction committed beside the failed one: the state says the prompt is
    // folded in, but no result is stored, so the retry's close is not taken for a finished one
    // and, the prompt being folded in already, refits.
    const inputs = await repos.reviews.closeInputs(cohortId, promptId);
    expect(inputs.state).toEqual(folded);
    expect(inputs.scored).toBe(false);
    expect(refitDue(inputs.state, promptId)).toBe(true);
  });

  it("awards a large batch of points once, across statements, and a repeat awards nothing", async () => {
    const { cohortId } = await cohortWithAnswers(1);
    const entries: LedgerEntry[] = Array.from({ length: 9 }, (_, i) => ({ cohortId, userRef: `m${i % 3}`, season: 1, kind: "quality", source: `answer:${i}`, points: 2, localDate: "2026-10-01" }));

    expect(await repos.points.awardMany(entries, at)).toEqual(Array(9).fill(true));
    // An entry counts as four rows: its member's totals in four periods.
    expect(sent("points_ledger")).toBe(ceilDiv(9, CHUNK_ROWS / 4));
    expect(await repos.points.awardMany(entries, at)).toEqual(Array(9).fill(false));
    const allTime = await database.db.select().from(pointsTotals);
    expect(allTime.filter((t) => t.period === "all").map((t) => t.points)).toEqual([6, 6, 6]);
  });
});

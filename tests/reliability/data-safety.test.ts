import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ReviewCard } from "../../src/core/messages.ts";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { createCoach, FixedClock, member, slackCohort } from "../fakes/core.ts";
import { everyRow, testDatabases } from "../support/databases.ts";
import { bank } from "../slack/harness.ts";

const FORGOTTEN = member(3);
const ANSWER = (n: number) => `Member ${n}'s answer: baseline 30%, target 20% in 90 days, 40k members, roll back on complaints (${n}-${n * 7}).`;
const DRILL_ANSWER = "Forgotten drill answer: precision at k with a holdout week";

/** A week's worth of one member's traces: answer, reviews given and received, points, a drill, preferences. */
async function runDay(database: Database) {
  const repos = createRepositories(database.db);
  const clock = new FixedClock(new Date("2026-10-28T16:00:00Z"));
  await repos.questions.sync(bank, clock.now());
  const { coach, messenger } = createCoach(repos, clock);
  await coach.setup(slackCohort, member(1, true), coach.parseSchedule(["humana/ai-pm", "09:00", "America/New_York"]));
  for (const n of [1, 2, 3, 4]) await coach.reviewOptIn(slackCohort, member(n), true);
  await coach.showInResults(slackCohort, FORGOTTEN, true);
  clock.set("2026-10-29T13:00:00Z");
  await coach.tick();
  const prompt = (await repos.prompts.forCohort((await coach.cohort(slackCohort))!.id))[0]!;
  for (const n of [1, 2, 3, 4]) await coach.answer({ prompt: prompt.id, actor: member(n), text: ANSWER(n), sourceRef: null });
  clock.set("2026-10-29T21:00:00Z");
  await coach.tick();
  const cards = messenger.sent.flatMap((s) => (s.message.kind === "review-request" ? [s.message.card as ReviewCard] : []));
  for (const card of cards) {
    const assignment = (await repos.reviews.get(card.assignmentId))!;
    for (const criterion of card.criteria) await coach.score({ assignmentId: card.assignmentId, reviewerRef: assignment.reviewerRef, criterionId: criterion.id, score: 4 });
    await coach.comment({ assignmentId: card.assignmentId, reviewerRef: assignment.reviewerRef, comment: `Comment by ${assignment.reviewerRef}` });
    await coach.submitReview({ assignmentId: card.assignmentId, reviewerRef: assignment.reviewerRef });
  }
  clock.set("2026-10-30T13:00:00Z");
  await coach.tick();
  const drill = await coach.drill({ userRef: FORGOTTEN.userRef, trackId: "humana/ai-pm" });
  await coach.answerDrill({ attemptId: drill.attemptId, userRef: FORGOTTEN.userRef, text: DRILL_ANSWER });
  await coach.rateDrill({ attemptId: drill.attemptId, userRef: FORGOTTEN.userRef, ratings: Object.fromEntries(drill.question.rubric.criteria.map((c) => [c.id, 3])), cohortId: prompt.cohortId });
  return { coach, repos };
}

describe.each(testDatabases())("forget-me on $name", (target) => {
  it("leaves no trace of the member in any table, while the others' data stays", async () => {
    const database = await target.open();
    try {
      const { coach } = await runDay(database);
      const traces = [FORGOTTEN.userRef, FORGOTTEN.displayName, ANSWER(3), DRILL_ANSWER];
      const before = await everyRow(database);
      const tablesHolding = (rows: Map<string, string[]>, trace: string) => [...rows].filter(([, list]) => list.some((row) => row.includes(JSON.stringify(trace).slice(1, -1)))).map(([table]) => table);
      // The run did leave traces in many tables, so the check below has something to find.
      expect(tablesHolding(before, FORGOTTEN.userRef).length).toBeGreaterThanOrEqual(5);
      // Including the scoring model's sums over the member's answers.
      expect(tablesHolding(before, FORGOTTEN.userRef)).toContain("author_params");

      await coach.forgetMe({ userRef: FORGOTTEN.userRef });
      const after = await everyRow(database);
      expect([...after.keys()]).toEqual([...before.keys()]);
      for (const trace of traces) expect({ trace, tables: tablesHolding(after, trace) }).toEqual({ trace, tables: [] });
      // Another member's answer and points are still there.
      expect(tablesHolding(after, ANSWER(2))).toEqual(["answers"]);
      expect(tablesHolding(after, member(2).userRef).length).toBeGreaterThan(1);
    } finally {
      await database.close();
    }
  }, 120_000);
});

describe("backup and restore of the embedded database (the README recipe)", () => {
  const work = mkdtempSync(path.join(tmpdir(), "cohort-coach-backup-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("a copy of the stopped data directory opens elsewhere with everything in it", async () => {
    const dataDir = path.join(work, "data");
    const original = await openDatabase({ kind: "pglite", dataDir });
    await original.migrate();
    await runDay(original);
    const saved = await everyRow(original);
    await original.close();

    // The recipe: stop the bot, copy DATA_DIR, start on the copy.
    const restoredDir = path.join(work, "restored");
    cpSync(dataDir, restoredDir, { recursive: true });
    const restored = await openDatabase({ kind: "pglite", dataDir: restoredDir });
    try {
      await restored.migrate();
      expect(await everyRow(restored)).toEqual(saved);
    } finally {
      await restored.close();
    }
  }, 120_000);
});

import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Coach } from "../../src/core/coach.ts";
import type { CoachMessage } from "../../src/core/messages.ts";
import type { Repositories } from "../../src/core/ports.ts";
import type { Database } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { createCoach, FixedClock, member, type RecordingMessenger, slackCohort } from "../fakes/core.ts";
import { testDatabases, truncateAll } from "../support/databases.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../questions"));
const admin = member(1, true);
const text = (n: number) => `Answer from ${n}: cut refill delays 12% for 40k members within 90 days; monitor drift and roll back.`;

/**
 * Cost follows the work: a click, an answer and a minute with nothing due each cost a
 * fixed, small number of statements whatever the history, counted at the driver.
 */
describe.each(testDatabases())("statements per request on $name", (target) => {
  let database: Database;
  let repos: Repositories;
  let coach: Coach;
  let messenger: RecordingMessenger;
  let clock: FixedClock;
  const statements: string[] = [];
  const counted = async <T>(work: () => Promise<T>): Promise<{ result: T; queries: string[] }> => {
    statements.length = 0;
    const result = await work();
    return { result, queries: statements.splice(0) };
  };

  beforeAll(async () => {
    database = await target.open({ onQuery: (query) => statements.push(query) });
    repos = createRepositories(database.db);
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await truncateAll(database);
    clock = new FixedClock(new Date("2026-10-28T16:00:00Z"));
    await repos.questions.sync(bank, clock.now());
    ({ coach, messenger } = createCoach(repos, clock));
  });

  const tickAt = (iso: string) => {
    clock.set(iso);
    return coach.tick();
  };
  const postedPrompt = () => {
    const post = messenger.sent.filter((s) => s.message.kind === "prompt").at(-1)!;
    return (post.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
  };
  const answerAs = (n: number, promptId: number) => coach.answer({ prompt: promptId, actor: member(n), text: text(n), sourceRef: `slack:T1:C1:ans-${promptId}-${n}` });

  // 5 for the answer itself; a first answer that gets an interviewer follow-up adds the offer's insert.
  it("an answer on a streak costs at most 6 statements, follow-up offer included, and awards both answer and streak points", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(["cvs-health/ai-pm", "09:00", "America/New_York", "mon-fri"]));
    await tickAt("2026-10-29T13:00:00Z");
    for (const n of [1, 2, 3]) await answerAs(n, postedPrompt());
    await tickAt("2026-10-30T13:00:00Z");
    const day2 = postedPrompt();

    const { result, queries } = await counted(() => answerAs(2, day2));
    expect(result.created).toBe(true);
    expect(result.streak).toBe(2);
    // The check ran against the question read with the prompt (the placeholder text is off-topic, and is told so).
    expect(result.question?.id).toBe((await repos.prompts.get(day2))?.questionId);
    expect(result.check.addressesQuestion).toBe(false);
    expect(queries.length, queries.join("\n")).toBeLessThanOrEqual(result.followUp ? 6 : 5);
    const kinds = (await repos.points.entriesFor((await coach.requireCohort(slackCohort)).id, member(2).userRef)).map((e) => e.kind);
    expect(kinds.sort()).toEqual(["answer", "answer", "streak"]);
  });

  it("a rubric click costs at most 5 statements and returns the card with the new score", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(["cvs-health/ai-pm", "09:00", "America/New_York", "mon-fri"]));
    await tickAt("2026-10-29T13:00:00Z");
    const day1 = postedPrompt();
    for (const n of [1, 2, 3, 4]) await answerAs(n, day1);
    await tickAt("2026-10-29T21:00:00Z");
    const [assignment] = await repos.reviews.forReviewer(member(2).userRef, day1);
    const criterion = (await coach.showReview(assignment!.id, member(2).userRef)).criteria[0]!;

    const { result: card, queries } = await counted(() => coach.score({ assignmentId: assignment!.id, reviewerRef: member(2).userRef, criterionId: criterion.id, score: 4 }));
    expect(card.criteria.find((c) => c.id === criterion.id)?.chosen).toBe(4);
    expect(queries.length, queries.join("\n")).toBeLessThanOrEqual(5);
    expect((await repos.reviews.scores(assignment!.id)).get(criterion.id)).toBe(4);
  });

  it("a minute with nothing due is one statement however many cohorts there are", async () => {
    for (let i = 0; i < 25; i++) {
      await coach.setup({ ...slackCohort, channelId: `C${i}` }, admin, coach.parseSchedule(["cvs-health/ai-pm", "09:00", "America/New_York", "mon-fri"]));
    }
    await tickAt("2026-10-29T13:00:00Z");
    expect(messenger.sent.filter((s) => s.message.kind === "prompt")).toHaveLength(25);
    messenger.take();

    clock.set("2026-10-29T13:01:00Z");
    const { result, queries } = await counted(() => coach.tick());
    expect(result.ran).toEqual([]);
    expect(messenger.sent).toEqual([]);
    expect(queries).toHaveLength(1);
  });
});

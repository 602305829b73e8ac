import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Coach } from "../../src/core/coach.ts";
import type { CoachMessage } from "../../src/core/messages.ts";
import type { Repositories } from "../../src/core/ports.ts";
import type { Database } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { answerResults, answers, cohorts, members, pointsLedger, prompts, reviewAssignments, reviewScores } from "../../src/db/schema.ts";
import { closePrompt } from "../../src/core/scores/close-prompt.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { createCoach, FixedClock, member, type RecordingMessenger, slackCohort } from "../fakes/core.ts";
import { everyRow, testDatabases, truncateAll } from "../support/databases.ts";

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

  it("an answer on a streak costs at most 5 statements, follow-up offer included, and awards both answer and streak points", async () => {
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
    expect(result.followUp).toBeDefined();
    expect(queries.length, queries.join("\n")).toBeLessThanOrEqual(5);
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

  it("opening reviews costs the same statements for 5 answers as for 40, and every answer reaches 3 reviewers other than its author", async () => {
    const counts: number[] = [];
    for (const size of [5, 40]) {
      await truncateAll(database);
      clock.set("2026-10-28T16:00:00Z");
      await repos.questions.sync(bank, clock.now());
      ({ coach, messenger } = createCoach(repos, clock));
      await coach.setup(slackCohort, admin, coach.parseSchedule(["cvs-health/ai-pm", "09:00", "America/New_York", "mon-fri"]));
      await tickAt("2026-10-29T13:00:00Z");
      const day1 = postedPrompt();
      for (let n = 1; n <= size; n++) await answerAs(n, day1);
      messenger.sent.length = 0;

      const { queries } = await counted(() => tickAt("2026-10-29T21:00:00Z"));
      counts.push(queries.length);
      const requests = messenger.sent.flatMap((s) => (s.message.kind === "review-request" && s.to.kind === "user" ? [{ reviewer: s.to.userRef, card: s.message.card }] : []));
      expect(requests).toHaveLength(3 * size);
      for (const { reviewer, card } of requests) expect(card.answerText).not.toBe(text(Number(reviewer.split(":U")[1])));
      const reviewersPerAnswer = new Map<string, number>();
      for (const { card } of requests) reviewersPerAnswer.set(card.answerText, (reviewersPerAnswer.get(card.answerText) ?? 0) + 1);
      expect([...reviewersPerAnswer.values()]).toEqual(Array.from({ length: size }, () => 3));
    }
    expect(counts[1], String(counts)).toBe(counts[0]);
  });

  /** A cohort of `size` members with two prompts; each answer graded on 4 criteria by the next 3 members, all submitted. */
  async function gradedCohort(size: number, channelId: string) {
    const at = new Date("2026-10-01T13:00:00Z");
    const [row] = await database.db
      .insert(cohorts)
      .values({ platform: "slack", workspaceId: "T1", channelId, trackId: "t", postTime: "09:00", timeZone: "UTC", weekdays: [1, 2, 3, 4, 5], answerCloseTime: "17:00", reviewCloseTime: "09:00", reviewersPerAnswer: 3, createdBy: "m0", createdAt: at })
      .returning();
    const refs = Array.from({ length: size }, (_, i) => `slack:T1:U${channelId}-${i}`);
    await database.db.insert(members).values(refs.map((userRef, i) => ({ cohortId: row!.id, userRef, displayName: `Member ${i}`, joinedAt: at })));
    const promptIds: number[] = [];
    for (const day of [1, 2]) {
      const [prompt] = await database.db
        .insert(prompts)
        .values({ cohortId: row!.id, localDate: `2026-10-0${day}`, questionId: "q", season: 1, postAt: at, answersCloseAt: at, reviewsCloseAt: at, createdAt: at })
        .returning();
      promptIds.push(prompt!.id);
      const answered = await database.db
        .insert(answers)
        .values(refs.map((userRef) => ({ promptId: prompt!.id, userRef, body: "b", createdAt: at, updatedAt: at })))
        .returning();
      const assigned = await database.db
        .insert(reviewAssignments)
        .values(answered.flatMap((a, i) => [1, 2, 3].map((r) => ({ promptId: prompt!.id, answerId: a.id, reviewerRef: refs[(i + r) % size]!, submittedAt: at, createdAt: at }))))
        .returning();
      await database.db
        .insert(reviewScores)
        .values(assigned.flatMap((a) => ["c1", "c2", "c3", "c4"].map((criterionId, c) => ({ assignmentId: a.id, criterionId, score: 1 + ((a.id * 7 + c) % 5), updatedAt: at }))));
    }
    const cohort = (await repos.cohorts.get(row!.id))!;
    return { cohort, prompts: await Promise.all(promptIds.map(async (id) => (await repos.prompts.get(id))!)) };
  }

  it("a close costs the same few statements for 10 members as for 100, stores every result, and a retried close changes nothing", async () => {
    const { deps } = createCoach(repos, clock);
    const counts = new Map<number, number[]>();
    for (const size of [10, 100]) {
      const { cohort, prompts: [day1, day2] } = await gradedCohort(size, `C${size}`);
      const perClose: number[] = [];
      // The first close refits from scratch (no stored parameters yet), the second folds its day in.
      for (const prompt of [day1!, day2!]) {
        const { result, queries } = await counted(() => closePrompt(deps, cohort, prompt));
        expect(result.summary.answerCount).toBe(size);
        perClose.push(queries.length);
      }
      counts.set(size, perClose);
      const results = await repos.reviews.promptResults(day2!.id);
      expect(results.size).toBe(size);
      expect([...results.values()].every((r) => r.length === 4)).toBe(true);
      const quality = (await database.db.select().from(pointsLedger)).filter((e) => e.cohortId === cohort.id && e.kind === "quality");
      expect(quality).toHaveLength(2 * size);

      const before = await everyRow(database);
      const { result: again } = await counted(() => closePrompt(deps, cohort, day2!));
      expect(await everyRow(database)).toEqual(before);
      expect(again.summary.top.map((t) => t.score)).toEqual((await closePrompt(deps, cohort, day2!)).summary.top.map((t) => t.score));
    }
    expect(counts.get(100)).toEqual(counts.get(10));
    // The second close refits too (the first five do) and re-estimates the first day's stored results: one statement more.
    expect(Math.max(...counts.get(100)!), String(counts.get(100))).toBeLessThanOrEqual(15);
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

  it("a drill costs the same statements after 30 scored answers as after 1, and aims at the criterion peers scored lowest", async () => {
    const me = member(7).userRef;
    const track = bank.tracks.find((t) => t.id === "cvs-health/ml-engineer")!;
    const criteria = track.questions[0]!.rubric.criteria;
    const weakest = criteria.at(-1)!;
    const at = clock.now();
    const [cohort] = await database.db
      .insert(cohorts)
      .values({ platform: "slack", workspaceId: "T9", channelId: "C9", trackId: track.id, postTime: "09:00", timeZone: "UTC", weekdays: [1, 2, 3, 4, 5], answerCloseTime: "17:00", reviewCloseTime: "09:00", reviewersPerAnswer: 3, createdBy: me, createdAt: at })
      .returning();
    let day = 0;
    const scoredAnswers = async (count: number) => {
      for (const end = day + count; day < end; day++) {
        const [prompt] = await database.db
          .insert(prompts)
          .values({ cohortId: cohort!.id, localDate: new Date(Date.UTC(2026, 5, 1 + day)).toISOString().slice(0, 10), questionId: track.questions[0]!.id, season: 1, postAt: at, answersCloseAt: at, reviewsCloseAt: at, createdAt: at })
          .returning();
        const [answer] = await database.db.insert(answers).values({ promptId: prompt!.id, userRef: me, body: "b", createdAt: at, updatedAt: at }).returning();
        await database.db.insert(answerResults).values(criteria.map((c) => ({ answerId: answer!.id, criterionId: c.id, score: c.id === weakest.id ? 1.5 : 4.5, uncertainty: 0.5, plainMean: 3, gradeCount: 3 })));
      }
    };
    const drillCost = async () => {
      const { result, queries } = await counted(() => coach.drill({ userRef: me, trackId: track.id }));
      expect(result.question.rubric.criteria.map((c) => c.id)).toContain(weakest.id);
      expect(result.reason).toBe(`targets your weakest criterion: ${weakest.label}`);
      return queries.length;
    };
    await scoredAnswers(1);
    const afterOne = await drillCost();
    await scoredAnswers(29);
    expect(await drillCost()).toBe(afterOne);
  });
});

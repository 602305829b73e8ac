import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Coach } from "../../../src/core/coach.ts";
import type { CoachMessage } from "../../../src/core/messages.ts";
import type { Repositories } from "../../../src/core/ports.ts";
import type { QuestionBank } from "../../../src/core/questions/types.ts";
import type { Database } from "../../../src/db/client.ts";
import { createRepositories } from "../../../src/db/repositories/index.ts";
import { loadQuestionBank } from "../../../src/questions/loader.ts";
import { createCoach, FixedClock, member, type RecordingMessenger, slackCohort } from "../../fakes/core.ts";
import { testDatabases, truncateAll } from "../../support/databases.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../../questions"));
const admin = member(1, true);

/** The bank with one question's wording changed, as an edited question file syncs it. */
function withPrompt(source: QuestionBank, questionId: string, prompt: string): QuestionBank {
  return { ...source, tracks: source.tracks.map((track) => ({ ...track, questions: track.questions.map((q) => (q.id === questionId ? { ...q, prompt } : q)) })) };
}

/**
 * A review card reads its question through a cache inside the repository: a question
 * edited by a later sync (here, or by another replica) must show its new wording on the
 * next click, never the one this process read first.
 */
describe.each(testDatabases())("review card question on $name", (target) => {
  let database: Database;
  let repos: Repositories;
  let coach: Coach;
  let messenger: RecordingMessenger;
  let clock: FixedClock;

  beforeAll(async () => {
    database = await target.open();
    repos = createRepositories(database.db);
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await truncateAll(database);
    clock = new FixedClock(new Date("2026-10-28T16:00:00Z"));
    await repos.questions.sync(bank, clock.now());
    ({ coach, messenger } = createCoach(repos, clock));
  });

  it("shows the question as last synced: a click after an edit shows the edited wording", async () => {
    await coach.setup(slackCohort, admin, coach.parseSchedule(["cvs-health/ai-pm", "09:00", "America/New_York", "mon-fri"]));
    clock.set("2026-10-29T13:00:00Z");
    await coach.tick();
    const post = messenger.sent.filter((s) => s.message.kind === "prompt").at(-1)!;
    const promptId = (post.message as Extract<CoachMessage, { kind: "prompt" }>).promptId;
    for (const n of [1, 2, 3, 4]) await coach.answer({ prompt: promptId, actor: member(n), text: `Answer from ${n}: cut refill delays 12% within 90 days.`, sourceRef: null });
    clock.set("2026-10-29T21:00:00Z");
    await coach.tick();
    const [assignment] = await repos.reviews.forReviewer(member(2).userRef, promptId);
    const before = await coach.showReview(assignment!.id, member(2).userRef);
    const criterion = before.criteria[0]!;
    const score = (value: number) => coach.score({ assignmentId: assignment!.id, reviewerRef: member(2).userRef, criterionId: criterion.id, score: value });
    const original = (await score(2)).questionPrompt;
    expect(original).toBe(before.questionPrompt);

    const questionId = (await repos.prompts.get(promptId))!.questionId;
    await repos.questions.sync(withPrompt(bank, questionId, `${original} (edited)`), clock.now());

    const after = await score(3);
    expect(after.questionPrompt).toBe(`${original} (edited)`);
    expect(after.criteria.find((c) => c.id === criterion.id)?.chosen).toBe(3);
  });
});

import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { QuestionBank } from "../../src/core/questions/types.ts";
import type { Database } from "../../src/db/client.ts";
import { DrizzleQuestionRepository } from "../../src/db/repositories/questions.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { testDatabases, truncateAll } from "../support/databases.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../fixtures/questions"));
const withoutQuestion = (id: string): QuestionBank => ({
  tracks: bank.tracks.map((t) => ({ ...t, questions: t.questions.filter((q) => q.id !== id) })),
});

describe.each(testDatabases())("question bank sync on $name", (target) => {
  let database: Database;
  let repo: DrizzleQuestionRepository;
  beforeAll(async () => {
    database = await target.open();
    repo = new DrizzleQuestionRepository(database.db);
  });
  beforeEach(() => truncateAll(database));
  afterAll(() => database.close());

  it("adds every question on first sync and changes nothing on a second", async () => {
    expect(await repo.sync(bank, new Date("2026-01-05T12:00:00Z"))).toEqual({ added: 2, changed: 0, unchanged: 0, retired: 0 });
    expect(await repo.sync(bank, new Date("2026-01-06T12:00:00Z"))).toEqual({ added: 0, changed: 0, unchanged: 2, retired: 0 });
  });

  it("retires a question removed from its file but still resolves it by id", async () => {
    await repo.sync(bank, new Date("2026-01-05T12:00:00Z"));
    expect(await repo.sync(withoutQuestion("acme-pm-002"), new Date("2026-01-06T12:00:00Z"))).toMatchObject({ retired: 1 });
    expect((await repo.activeQuestions("acme/ai-pm")).map((q) => q.id)).toEqual(["acme-pm-001"]);
    const retired = await repo.get("acme-pm-002");
    expect(retired?.prompt).toContain("no-show prediction");
    expect(retired?.rubric.criteria).toHaveLength(3);
  });

  it("brings a retired question back when it returns to the file", async () => {
    await repo.sync(withoutQuestion("acme-pm-002"), new Date("2026-01-05T12:00:00Z"));
    expect(await repo.sync(bank, new Date("2026-01-06T12:00:00Z"))).toMatchObject({ added: 1 });
    expect((await repo.activeQuestions("acme/ai-pm")).map((q) => q.id)).toEqual(["acme-pm-001", "acme-pm-002"]);
  });

  it("records an edited prompt as changed", async () => {
    await repo.sync(bank, new Date("2026-01-05T12:00:00Z"));
    const edited: QuestionBank = {
      tracks: bank.tracks.map((t) => ({ ...t, questions: t.questions.map((q) => (q.id === "acme-pm-001" ? { ...q, prompt: "A sharper prompt." } : q)) })),
    };
    expect(await repo.sync(edited, new Date("2026-01-06T12:00:00Z"))).toMatchObject({ changed: 1, unchanged: 1 });
    expect((await repo.get("acme-pm-001"))?.prompt).toBe("A sharper prompt.");
  });

  it("lists active tracks with their questions", async () => {
    await repo.sync(bank, new Date("2026-01-05T12:00:00Z"));
    const [track] = await repo.activeTracks();
    expect(track?.id).toBe("acme/ai-pm");
    expect(track?.questions).toHaveLength(2);
  });

  it("shows in the tracks it has already read a bank another replica synced since: an edit, a retired question", async () => {
    await repo.sync(bank, new Date("2026-01-05T12:00:00Z"));
    const prompts = async () => (await repo.activeTracks()).flatMap((t) => t.questions.map((q) => q.prompt));
    const before = await prompts();
    expect(before).toHaveLength(2);
    expect(await prompts()).toEqual(before);

    const otherReplica = new DrizzleQuestionRepository(database.db);
    const edited: QuestionBank = {
      tracks: bank.tracks.map((t) => ({ ...t, questions: t.questions.map((q) => (q.id === "acme-pm-001" ? { ...q, prompt: "A sharper prompt." } : q)) })),
    };
    await otherReplica.sync(edited, new Date("2026-01-06T12:00:00Z"));
    expect(await prompts()).toEqual(["A sharper prompt.", before[1]]);

    // The original bank less one question: the edit is undone and the other question retired.
    await otherReplica.sync(withoutQuestion("acme-pm-002"), new Date("2026-01-07T12:00:00Z"));
    expect(await prompts()).toEqual([before[0]]);
  });
});

import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Coach } from "../../src/core/coach.ts";
import type { Repositories } from "../../src/core/ports.ts";
import type { QuestionBank } from "../../src/core/questions/types.ts";
import type { Database } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { createCoach, FixedClock, type RecordingMessenger } from "../fakes/core.ts";
import { truncateAll, type TestDatabase } from "./databases.ts";

export interface EngineUnderTest {
  repos: Repositories;
  coach: Coach;
  messenger: RecordingMessenger;
  clock: FixedClock;
}

/**
 * Registers the hooks every engine test file needs: one migrated database per file,
 * emptied before each test and given the question bank, a clock at `start` and a fresh
 * engine with a recording messenger. Read the fields inside tests or later hooks.
 */
export function useEngine(target: TestDatabase, start: string, bank: QuestionBank): EngineUnderTest {
  const engine = {} as EngineUnderTest;
  let database: Database;
  beforeAll(async () => {
    database = await target.open();
    engine.repos = createRepositories(database.db);
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await truncateAll(database);
    engine.clock = new FixedClock(new Date(start));
    await engine.repos.questions.sync(bank, engine.clock.now());
    Object.assign(engine, createCoach(engine.repos, engine.clock));
  });
  return engine;
}

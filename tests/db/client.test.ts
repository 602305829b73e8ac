import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { testDatabases } from "../support/databases.ts";

describe.each(testDatabases())("database on $name", (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => database.close());

  it("answers a ping once migrated", async () => {
    expect(await database.ping()).toBe(true);
  });

  it("treats a second migrate as a no-op", async () => {
    await expect(database.migrate()).resolves.toBeUndefined();
    expect(await database.ping()).toBe(true);
  });

  // PGlite runs statements on this thread: sent together (a close's reads), they must not run as one block.
  it.runIf(target.name === "pglite")("runs statements sent together each on a turn of the event loop of its own", async () => {
    let turns = 0;
    let sending = true;
    const countTurns = () => {
      turns++;
      if (sending) setImmediate(countTurns);
    };
    setImmediate(countTurns);
    const turnOf = async (n: number) => {
      await database.db.execute(sql`select ${n}::int`);
      return turns;
    };
    const finishedOnTurns = await Promise.all([1, 2, 3].map(turnOf));
    sending = false;
    expect(new Set(finishedOnTurns).size).toBe(3);
  });
});

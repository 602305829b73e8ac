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
});

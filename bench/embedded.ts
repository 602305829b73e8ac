/**
 * The embedded database as `npm start` runs it: PGlite on a data directory (here a temporary
 * one, removed on close), migrated. Not the in-memory PGlite the tests use: its files live in
 * Emscripten's MEMFS, which grows a file over 1 MB by an eighth at a time and copies it whole
 * each time, so a statement that extends a table or the WAL now and then stalls for the copy
 * (an insert of 250 rows, 1.2 ms at the median, took 24-76 ms whenever it grew a file of tens
 * of MB; none over 20 ms on a data directory). Benches that time the event loop on PGlite
 * measure what a deployment sees, not that.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Database, type OpenOptions, openDatabase } from "../src/db/client.ts";

export async function openEmbeddedOnDisk(options?: OpenOptions): Promise<Database> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cohort-coach-bench-db-"));
  const database = await openDatabase({ kind: "pglite", dataDir }, options);
  await database.migrate();
  return {
    ...database,
    close: async () => {
      try {
        await database.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

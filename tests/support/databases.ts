import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase, type Database, type OpenOptions } from "../../src/db/client.ts";
import { rowsOf } from "../../src/db/repositories/reviews.ts";

export interface TestDatabase {
  readonly name: "pglite" | "postgres";
  /** Opens a fresh, migrated, isolated database: PGlite in memory, or a new database on the real server. */
  open(options?: OpenOptions): Promise<Database>;
}

/** PGlite always; the real server too when TEST_DATABASE_URL is set (CI sets it). */
export function testDatabases(): TestDatabase[] {
  const targets: TestDatabase[] = [{ name: "pglite", open: openPglite }];
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) targets.push({ name: "postgres", open: (options) => openIsolatedPostgres(serverUrl, options) });
  return targets;
}

async function openPglite(options?: OpenOptions): Promise<Database> {
  const database = await openDatabase({ kind: "pglite", dataDir: undefined }, options);
  await database.migrate();
  return database;
}

/**
 * A database per opener keeps parallel test files and reruns from ever seeing each
 * other's rows, and the migrations run exactly as in production.
 */
export async function openIsolatedPostgres(serverUrl: string, options?: OpenOptions): Promise<Database> {
  const name = `cc_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: "postgres", url: url.toString() }, options);
  await database.migrate();
  return {
    ...database,
    close: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** Empties every application table between tests: far cheaper than a new PGlite. */
export async function truncateAll(database: Database): Promise<void> {
  const rows = await database.db.execute<{ tablename: string }>(
    sql`select tablename from pg_tables where schemaname = 'public'`,
  );
  const tables = (Array.isArray(rows) ? rows : (rows as { rows: { tablename: string }[] }).rows).map((r) => `"${r.tablename}"`);
  if (tables.length > 0) await database.db.execute(sql.raw(`truncate ${tables.join(", ")} restart identity cascade`));
}

/** Every row of every table in the public schema, as JSON text, by table. */
export async function everyRow(database: Database): Promise<Map<string, string[]>> {
  const tables = rowsOf<{ tablename: string }>(await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)).map((r) => r.tablename);
  const out = new Map<string, string[]>();
  for (const table of tables) {
    const rows = rowsOf<{ row: string }>(await database.db.execute(sql.raw(`select row_to_json(t)::text as row from "${table}" t`)));
    out.set(table, rows.map((r) => r.row));
  }
  return out;
}

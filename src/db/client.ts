import { mkdirSync } from "node:fs";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { PGlite, QueryOptions, Results, Transaction } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.ts";
import * as schema from "./schema.ts";

/** Both drivers satisfy this type, so repositories never know which one they run on. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseTarget = { readonly kind: "postgres"; readonly url: string } | { readonly kind: "pglite"; readonly dataDir: string | undefined };

export interface Database {
  readonly db: Db;
  readonly kind: DatabaseTarget["kind"];
  migrate(): Promise<void>;
  /**
   * Runs start-up work (migrations, the question sync) while holding a database-wide
   * lock, so replicas starting together on a fresh database take turns instead of
   * racing on CREATE TABLE.
   */
  whileStarting<T>(work: () => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Arbitrary, fixed: every replica must ask for the same advisory lock. */
const STARTUP_LOCK_KEY = 727_001;

export const migrationsFolder = fileURLToPath(new URL("../../migrations", import.meta.url));

export interface OpenOptions {
  /** Sees every statement Drizzle sends: query-count tests and benches count with it. */
  readonly onQuery?: (query: string) => void;
}

/**
 * PGlite runs Postgres inside this process, so its buffers are our memory. A cohort
 * bot's working set is small: these cut idle RSS (measured in bench/memory.ts) without
 * slowing the benches' queries (fresh data directory: 876 MB with PGlite's defaults, 770 MB with these).
 * And its statements run on our event loop: with wal_init_zero on, the COMMIT that starts a new
 * WAL segment writes 16 MB of zeros first, which held the loop for 29 ms in the close bench
 * (every fourth close of a 500-member cohort); off, Postgres writes the segment's last byte only.
 */
const PGLITE_SETTINGS = ["shared_buffers=16MB", "work_mem=2MB", "temp_buffers=1MB", "maintenance_work_mem=8MB", "wal_init_zero=off"].flatMap((setting) => ["-c", setting]);

/** `dataDir: undefined` gives an in-memory PGlite, which tests use. */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  const logger = options.onQuery ? { logQuery: (query: string) => options.onQuery!(query) } : undefined;
  if (target.kind === "postgres") {
    // Each driver loads only when it is the one configured: PGlite's module alone is megabytes of
    // heap that a PostgreSQL deployment would carry idle for its whole life (bench/memory.ts).
    const [{ default: postgres }, { drizzle: drizzlePostgres }, { migrate: migratePostgres }] = await Promise.all([
      import("postgres"),
      import("drizzle-orm/postgres-js"),
      import("drizzle-orm/postgres-js/migrator"),
    ]);
    // Postgres NOTICEs (e.g. "schema already exists" during migrate) are noise in our logs.
    // JIT off for our sessions: every statement here is a short indexed read or bulk write, but
    // the planner prices a close's quality awards (a recursive generation lookup per entry) over
    // jit_above_cost, and compiling them took 8-34 ms of each award statement's 30-70 ms
    // (auto_explain on the scoring bench's closes). PostgreSQL's own advice for OLTP work.
    const client = postgres(target.url, { max: 10, onnotice: () => {}, connection: { jit: "off" } });
    const db = drizzlePostgres(client, { schema, logger });
    return {
      db,
      kind: "postgres",
      migrate: () => migratePostgres(db, { migrationsFolder }),
      whileStarting: async (work) => {
        // A session lock lives on one connection: reserve it so the unlock runs where the lock was taken.
        const session = await client.reserve();
        try {
          await session`select pg_advisory_lock(${STARTUP_LOCK_KEY})`;
          try {
            return await work();
          } finally {
            await session`select pg_advisory_unlock(${STARTUP_LOCK_KEY})`;
          }
        } finally {
          session.release();
        }
      },
      ping: () => ping(db),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  let lock: DataDirLock | undefined;
  if (target.dataDir !== undefined) {
    mkdirSync(path.resolve(target.dataDir), { recursive: true });
    lock = lockDataDir(path.resolve(target.dataDir));
  }
  let client: PGlite;
  try {
    client = await PGlite.create(target.dataDir === undefined ? undefined : path.resolve(target.dataDir, "pglite"), { startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite(statementsOnFreshTurns(client), { schema, logger });
  return {
    db,
    kind: "pglite",
    migrate: () => migratePglite(db, { migrationsFolder }),
    // One process per data directory (the directory lock sees to that): nobody to take turns with.
    whileStarting: (work) => work(),
    ping: () => ping(db),
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}


/**
 * PGlite runs each statement on this thread and hands the result back through promises alone,
 * so statements run back to back (a close's reads and writes, a refit's pages) would hold the
 * event loop as one block: timers, acks and clicks would wait for the whole run. Starting each
 * statement on a fresh turn of the loop bounds a block by the longest single statement. Statements
 * and transactions sent together (a close's reads go out at once) would all start on the same
 * turn, so they queue here for the one before them, as PGlite would have them wait anyway.
 */
function statementsOnFreshTurns(client: PGlite): PGlite {
  let previous: Promise<unknown> = Promise.resolve();
  const onItsOwnTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = previous.then(nextTurn).then(work);
    previous = run.catch(() => undefined);
    return run;
  };
  const queryOnFreshTurn =
    (target: Pick<Transaction, "query">) =>
    async <T>(query: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> => {
      await nextTurn();
      return target.query<T>(query, params, options);
    };
  return new Proxy(client, {
    get(target, key) {
      if (key === "query") return <T>(query: string, params?: unknown[], options?: QueryOptions) => onItsOwnTurn(() => target.query<T>(query, params, options));
      if (key === "transaction") {
        return <T>(callback: (tx: Transaction) => Promise<T>) =>
          onItsOwnTurn(() => target.transaction((tx) => callback(new Proxy(tx, { get: (txTarget, txKey) => (txKey === "query" ? queryOnFreshTurn(txTarget) : Reflect.get(txTarget, txKey)) }))));
      }
      const value: unknown = Reflect.get(target, key, target);
      // PGlite's methods use private fields, so they must run on the instance, not the proxy.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

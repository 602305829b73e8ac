/**
 * Idle resident memory of `npm start` (one node process, no tsx wrapper): on PGlite in a
 * fresh data directory and, with BENCH_DATABASE_URL, on PostgreSQL. RSS is read from
 * /proc after /readyz answers (the database is open, migrated and synced) and the process
 * has sat idle for a while. /healthz answers as soon as the port is taken, before PGlite's
 * initdb, so waiting for it measured a first start in the middle of creating its database.
 * Writes bench/results/memory.json.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openIsolatedPostgres } from "../tests/support/databases.ts";
import { figure, writeFigures, type Figure } from "./figures.ts";

const root = path.resolve(import.meta.dirname, "..");
const IDLE_MS = 15_000;
const SAMPLES = 3;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

async function idleRss(env: Record<string, string>): Promise<number[]> {
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: root, env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "pipe"] });
  // Kept from the start: a child that dies early is reported with its own words, and its exit is
  // never awaited after it already happened (an await that never settles ends Node with code 13).
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  try {
    // Generous: a first start runs PGlite's initdb, which takes minutes on a loaded machine.
    const deadline = Date.now() + 600_000;
    for (;;) {
      if (gone()) throw new Error(`npm start exited (${child.exitCode ?? child.signalCode}) before /readyz answered: ${stderr.trim()}`);
      if (Date.now() > deadline) throw new Error(`npm start never answered /readyz: ${stderr.trim()}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS / SAMPLES));
      samples.push(rssMb(child.pid!));
    }
    return samples;
  } finally {
    if (!gone()) child.kill("SIGTERM");
    await exited;
  }
}

const figures: Figure[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), "cc-memory-"));
try {
  const first = await idleRss({ DATA_DIR: dataDir });
  figures.push(figure("Idle RSS of npm start, PGlite, first start (creates the database)", first, "MB", {}, "shared_buffers=16MB, work_mem=2MB, temp_buffers=1MB (src/db/client.ts)"));
  figures.push(figure("Idle RSS of npm start, PGlite, restart on the same data", await idleRss({ DATA_DIR: dataDir }), "MB", {}, "WebAssembly memory never shrinks, so a first start that ran initdb stays larger"));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
if (process.env.BENCH_DATABASE_URL) {
  const database = await openIsolatedPostgres(process.env.BENCH_DATABASE_URL);
  const url = new URL(process.env.BENCH_DATABASE_URL);
  const { rows } = { rows: await database.db.execute<{ name: string }>(await import("drizzle-orm").then(({ sql }) => sql`select current_database() as name`)) };
  url.pathname = `/${(rows as unknown as { name: string }[])[0]!.name}`;
  try {
    figures.push(figure("Idle RSS of npm start, PostgreSQL", await idleRss({ DATABASE_URL: url.toString() }), "MB", { maxValue: 200 }));
  } finally {
    await database.close();
  }
}
writeFigures("memory", figures);
process.exit(0);

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { bank } from "../slack/harness.ts";
import { repoRoot, startApp, type RunningApp } from "../support/process.ts";

const workDir = mkdtempSync(path.join(tmpdir(), "cohort-coach-locks-"));
const running: RunningApp[] = [];
afterAll(async () => {
  for (const app of running) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill("SIGKILL");
  await Promise.all(running.map((app) => app.exit()));
  rmSync(workDir, { recursive: true, force: true });
});

const env = (dataDir: string) => ({ DATA_DIR: dataDir, PORT: "0", QUESTIONS_DIR: "tests/fixtures/questions" });

function start(dataDir: string): RunningApp {
  const app = startApp(env(dataDir));
  running.push(app);
  return app;
}

/** `npm run db:migrate`, as a separate process; resolves with its exit code and output. */
function migrate(dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/db/migrate-cli.ts"], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env(dataDir) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

describe("the embedded database's data directory", () => {
  it("admits one process: a second npm start or db:migrate refuses in one line naming the directory and the holder's pid; a killed holder's lock is taken over", async () => {
    const dataDir = path.join(workDir, "data");
    const first = start(dataDir);
    await first.waitForLine((l) => l.includes("Cohort Coach started"), 150_000);
    const holder = first.child.pid!;

    const second = start(dataDir);
    expect((await second.exit()).code).toBe(1);
    // The port is taken (and logged) before the database is opened; the refusal itself is one line with no stack trace.
    const refusal = second.output().trim().split("\n").filter((l) => !l.includes("listening on port"));
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toContain(path.resolve(dataDir));
    expect(refusal[0]).toContain(`pid ${holder}`);

    const migration = await migrate(dataDir);
    expect(migration.code).toBe(1);
    expect(migration.output.trim().split("\n")).toHaveLength(1);
    expect(migration.output).toContain(`pid ${holder}`);

    // The first is still the healthy owner.
    const port = (JSON.parse(first.output().split("\n").find((l) => l.includes("Cohort Coach started"))!) as { port: number }).port;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    first.child.kill("SIGKILL");
    await first.exit();
    const third = start(dataDir);
    await third.waitForLine((l) => l.includes("Cohort Coach started"), 150_000);
    third.child.kill("SIGINT");
    expect((await third.exit()).code).toBe(0);
  }, 400_000);
});

const serverUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!serverUrl)("replicas starting together on a fresh PostgreSQL database", () => {
  it("all migrate and sync the question bank without racing", async () => {
    const name = `cc_test_race_${randomBytes(4).toString("hex")}`;
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(serverUrl!);
    url.pathname = `/${name}`;
    const replicas = await Promise.all(Array.from({ length: 6 }, () => openDatabase({ kind: "postgres", url: url.toString() })));
    try {
      const results = await Promise.allSettled(
        replicas.map((database) =>
          database.whileStarting(async () => {
            await database.migrate();
            return createRepositories(database.db).questions.sync(bank, new Date("2026-10-29T14:00:00Z"));
          }),
        ),
      );
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      const reports = results.map((r) => (r as PromiseFulfilledResult<{ added: number }>).value.added);
      // Exactly one replica added the bank; the others found it there.
      expect(reports.filter((added) => added > 0)).toHaveLength(1);
    } finally {
      await Promise.all(replicas.map((database) => database.close()));
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  }, 120_000);
});

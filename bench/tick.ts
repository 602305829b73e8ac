/**
 * How long one scheduler tick takes as cohorts grow: N cohorts all due at once
 * (the worst minute of the day), on the embedded database. Writes bench/results/tick.md.
 *   npx tsx bench/tick.ts [cohortCounts...]
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Coach } from "../src/core/coach.ts";
import type { CoachMessage, Destination, Messenger } from "../src/core/messages.ts";
import { openDatabase } from "../src/db/client.ts";
import { createRepositories } from "../src/db/repositories/index.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";

const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
const sizes = counts.length > 0 ? counts : [10, 50, 200];
const root = path.resolve(import.meta.dirname, "..");
const bank = loadQuestionBank(path.join(root, "questions"));

class CountingMessenger implements Messenger {
  sent = 0;
  async send(_to: Destination, _message: CoachMessage, key: string) {
    this.sent++;
    return { messageRef: key, threadRef: null };
  }
}

const rows: string[] = [];
for (const size of sizes) {
  const database = await openDatabase({ kind: "pglite", dataDir: undefined });
  await database.migrate();
  const repos = createRepositories(database.db);
  let now = new Date("2026-10-28T12:00:00Z");
  const clock = { now: () => now };
  await repos.questions.sync(bank, now);
  const messenger = new CountingMessenger();
  const coach = new Coach({ repos, messenger, clock, log: { warn: () => {}, error: () => {} } }, { timeZone: "America/New_York", postTime: "09:00" });
  const tracks = bank.tracks.map((t) => t.id);
  for (let i = 0; i < size; i++) {
    await coach.setup({ platform: "slack", workspaceId: "T1", channelId: `C${i}` }, { userRef: "slack:T1:U1", displayName: "Admin", isPlatformAdmin: true }, { trackId: tracks[i % tracks.length]! });
  }
  now = new Date("2026-10-29T13:00:00Z");
  const postStart = performance.now();
  await coach.tick();
  const postMs = performance.now() - postStart;
  now = new Date("2026-10-29T13:01:00Z");
  const idleStart = performance.now();
  await coach.tick();
  const idleMs = performance.now() - idleStart;
  rows.push(`| ${size} | ${messenger.sent} | ${postMs.toFixed(0)} | ${idleMs.toFixed(0)} |`);
  await database.close();
}

const report = [
  "# Scheduler tick (embedded PGlite, one process)",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} with \`npx tsx bench/tick.ts ${sizes.join(" ")}\`. The tick runs once a minute, so anything well under 60 s keeps up.`,
  "",
  "| cohorts | posts sent | tick that posts every cohort (ms) | next tick, nothing due (ms) |",
  "|---:|---:|---:|---:|",
  ...rows,
  "",
].join("\n");
writeFileSync(path.join(root, "bench/results/tick.md"), report);
console.log(report);

/**
 * The chaos suite (`npm run chaos`): real bot processes against the real PostgreSQL
 * server and the local fake Slack and Discord, each scenario in a fresh database.
 * Prints the table, writes it to chaos/RESULTS.md and exits non-zero unless every
 * duplicate and loss count is 0. `npm run chaos -- 1 4` runs only scenarios whose
 * number starts the label.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { killAllReplicas, repoRoot } from "./replica.ts";
import { passed, table, type Row } from "./report.ts";
import { databaseCut } from "./scenarios/database-cut.ts";
import { outage } from "./scenarios/outage.ts";
import { dstWeek } from "./scenarios/dst.ts";
import { discordReplays, slackTripleDelivery } from "./scenarios/redelivery.ts";
import { concurrentClicks } from "./scenarios/concurrent-clicks.ts";
import { killOneReplicaMidFanOut, killOnlyReplicaAndRestart, rateLimitedFanOut, threeReplicasFanOut } from "./scenarios/fan-out.ts";

interface Scenario {
  readonly label: string;
  readonly run: () => Promise<Row | Row[]>;
}

const scenarios: Scenario[] = [
  { label: "1. 3 replicas, 100 cohorts due at 09:00", run: threeReplicasFanOut },
  { label: "2a. SIGKILL 1 of 3 replicas mid fan-out", run: killOneReplicaMidFanOut },
  { label: "2b. SIGKILL the only replica mid fan-out, restart", run: killOnlyReplicaAndRestart },
  { label: "3a. Slack: every event and click delivered 3x across replicas", run: slackTripleDelivery },
  { label: "3b. Discord: thread replies and interactions replayed 3x", run: discordReplays },
  { label: "4. Concurrent clicks: 100 on one row, 50 reviewers x2 across replicas", run: concurrentClicks },
  { label: "5. Outage spanning a posting time and the review opening, replies missed", run: outage },
  { label: "6. 429 + Retry-After on 1 in 3 calls during fan-out", run: rateLimitedFanOut },
  { label: "7. Database cut for 15 s under answer load", run: databaseCut },
  { label: "8. DST week: New York and Berlin, 24 Oct - 2 Nov, clock injected", run: dstWeek },
];

// Whatever ends the runner, no bot process outlives it.
process.on("exit", killAllReplicas);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    killAllReplicas();
    process.exit(130);
  });
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = scenarios.filter((s) => only.length === 0 || only.some((prefix) => s.label.startsWith(`${prefix}.`) || s.label.startsWith(prefix)));
  const rows: Row[] = [];
  const started = Date.now();
  for (const scenario of selected) {
    const t0 = Date.now();
    process.stdout.write(`chaos: ${scenario.label} ... `);
    try {
      const result = await scenario.run();
      rows.push(...(Array.isArray(result) ? result : [result]));
    } catch (error) {
      rows.push({ scenario: scenario.label, expected: "-", seen: "-", duplicates: 0, losses: 0, error: error instanceof Error ? error.message : String(error) });
    }
    killAllReplicas();
    process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const output = `${table(rows)}\n\nTotal ${minutes} min on ${new Date().toISOString().slice(0, 10)}; ${rows.filter(passed).length}/${rows.length} rows passed.\n`;
  process.stdout.write(`\n${output}`);
  if (only.length === 0) {
    writeFileSync(
      path.join(repoRoot, "chaos", "RESULTS.md"),
      `# Chaos suite results\n\nWritten by \`npm run chaos\` (chaos/run.ts) from its last full run. Duplicates and losses must be 0.\n\n${output}`,
    );
  }
  process.exitCode = rows.every(passed) ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error("chaos: runner failed:", error);
  process.exitCode = 1;
});

/**
 * `npm run bench`: runs every bench in its own process, gathers the figures they write
 * to bench/results/*.json into bench/results.json and bench/RESULTS.md, and exits
 * non-zero when any goal is missed. PostgreSQL figures need BENCH_DATABASE_URL.
 * bench/scoring.ts (scoring quality) runs when present; its scoring.json is included.
 * `npm run bench -- --collect` runs nothing and re-gathers what each bench last wrote, so
 * one bench re-run on its own (e.g. `npx tsx bench/fanout.ts`) updates RESULTS.md.
 * Each bench's wall time is kept in bench/results/durations.json and shown in RESULTS.md;
 * a full run longer than RUN_GOAL_MINUTES is itself a missed goal.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { figure, resultsDir, type Figure } from "./figures.ts";

/** The whole `npm run bench` must fit in this, so it gets run. */
const RUN_GOAL_MINUTES = 15;
type Duration = { seconds: number; exit: number | null; at: string };
const durationsFile = path.join(resultsDir, "durations.json");
const durations: Record<string, Duration> = existsSync(durationsFile) ? (JSON.parse(readFileSync(durationsFile, "utf8")) as Record<string, Duration>) : {};

const benchDir = import.meta.dirname;
const benches = ["query-counts", "tick", "leaderboards", "fanout", "slack-ack", "memory", "reviews", "scoring", "tau-ceiling"].filter((name) => existsSync(path.join(benchDir, `${name}.ts`)));
const collectOnly = process.argv.includes("--collect");
const started = Date.now();
const failures: string[] = [];
for (const name of collectOnly ? [] : benches) {
  rmSync(path.join(resultsDir, `${name}.json`), { force: true });
  const benchStarted = Date.now();
  console.log(`\n== ${name}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(benchDir, `${name}.ts`)], { stdio: "inherit", env: process.env, cwd: path.dirname(benchDir) });
  const seconds = (Date.now() - benchStarted) / 1000;
  console.log(`== ${name}: ${seconds.toFixed(0)} s, exit ${run.status}`);
  durations[name] = { seconds: Math.round(seconds), exit: run.status, at: new Date().toISOString() };
  writeFileSync(durationsFile, `${JSON.stringify(durations, null, 2)}\n`);
  if (run.status !== 0) failures.push(`${name} exited ${run.status}`);
}

type Row = Figure & { bench: string };
const rows: Row[] = [];
for (const name of new Set([...benches, "scoring"])) {
  const file = path.join(resultsDir, `${name}.json`);
  if (!existsSync(file)) continue;
  const data = JSON.parse(readFileSync(file, "utf8")) as { figures: Partial<Figure>[] };
  for (const f of data.figures) rows.push({ ...(f as Figure), bench: name, unit: f.unit ?? "" });
}
const minutes = (Date.now() - started) / 60_000;
if (!collectOnly) {
  rows.push({ ...figure("npm run bench, every bench in turn: wall time", [minutes], "min", { maxValue: RUN_GOAL_MINUTES }, `load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end`), bench: "run-all" });
}
if (collectOnly) for (const name of benches) if (!existsSync(path.join(resultsDir, `${name}.json`))) failures.push(`${name} has no results`);
// Context rows (met: null, e.g. the machine's load) carry no goal, so they neither pass nor fail.
const goals = rows.filter((r) => r.met !== null && r.met !== undefined);
const allMet = goals.every((r) => r.met) && failures.length === 0;
writeFileSync(
  path.join(benchDir, "results.json"),
  `${JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, postgres: Boolean(process.env.BENCH_DATABASE_URL), minutes: Number(minutes.toFixed(1)), allMet, failures, durations, figures: rows }, null, 2)}\n`,
);
const cell = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(n));
const md = [
  "# Benchmark results",
  "",
  `${collectOnly ? "Gathered by `npm run bench -- --collect` (bench/run-all.ts) from each bench's last run" : "Made by `npm run bench` (bench/run-all.ts)"} on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${process.env.BENCH_DATABASE_URL ? "PGlite and PostgreSQL" : "PGlite only (BENCH_DATABASE_URL unset)"}${collectOnly ? "" : `, ${minutes.toFixed(1)} minutes in all`}. Each figure is the median of its runs with min and max; seeds and inputs are fixed. The machine is a shared 2-core box, so absolute times carry its load.`,
  "",
  `Goals met: ${goals.filter((r) => r.met).length} of ${goals.length} (${rows.length - goals.length} rows are context with no goal).${failures.length ? ` Benches that failed: ${failures.join(", ")}.` : ""}`,
  "",
  "| bench | figure | value | min | max | reference | ratio | goal | met | note |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
  ...rows.map((r) => `| ${r.bench} | ${r.name} | ${r.value} ${r.unit ?? ""} | ${r.min} | ${r.max} | ${cell(r.reference)} | ${r.ratio === null || r.ratio === undefined ? "" : `${r.ratio}x`} | ${r.goal} | ${r.met === null || r.met === undefined ? "" : r.met ? "yes" : "**no**"} | ${(r.note ?? "").replaceAll("|", "/")} |`),
  "",
  "## How long each bench took",
  "",
  `Wall time of each bench's last run through \`npm run bench\` (bench/results/durations.json); the whole run's goal is under ${RUN_GOAL_MINUTES} minutes.`,
  "",
  "| bench | seconds | exit | run at (UTC) |",
  "| --- | ---: | ---: | --- |",
  ...benches.map((name) => {
    const d = durations[name];
    return d ? `| ${name} | ${d.seconds} | ${d.exit ?? "killed"} | ${d.at.slice(0, 16).replace("T", " ")} |` : `| ${name} | not run yet |  |  |`;
  }),
  `| all | ${benches.reduce((sum, name) => sum + (durations[name]?.seconds ?? 0), 0)} |  |  |`,
  "",
].join("\n");
writeFileSync(path.join(benchDir, "RESULTS.md"), md);
console.log(`\n${md}`);
process.exit(allMet ? 0 : 1);

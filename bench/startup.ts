/**
 * Start-up time and idle memory of `node --import tsx src/main.ts` on the embedded
 * database: "first" starts on an empty DATA_DIR (initdb, migrations, question sync),
 * "warm" restarts on the same one. Ready means /healthz answered 200 after the
 * "Cohort Coach started" line; idle memory is the process RSS 20 s after that.
 * Writes bench/results/startup.md and bench/results/startup.json.
 *   npx tsx bench/startup.ts [runs]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { figure } from "./figures.ts";

const root = path.resolve(import.meta.dirname, "..");
const runs = Number(process.argv[2] ?? 3);
const IDLE_MS = 20_000;

interface Start {
  readyMs: number;
  idleRssMb: number;
}

const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
};

async function start(dataDir: string): Promise<Start> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATA_DIR: dataDir, PORT: "0", LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let buffer = "";
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        const line = buffer.split("\n").find((l) => l.includes("Cohort Coach started"));
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
      child.once("exit", (code) => reject(new Error(`exited with ${code} before starting`)));
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
    const readyMs = performance.now() - startedAt;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return { readyMs, idleRssMb: rssMb(child.pid!) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

const loadBefore = loadavg()[0]!;
const first: Start[] = [];
const warm: Start[] = [];
for (let i = 0; i < runs; i++) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cohort-coach-bench-"));
  try {
    first.push(await start(dataDir));
    warm.push(await start(dataDir));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`run ${i + 1}: first ${first.at(-1)!.readyMs.toFixed(0)} ms, warm ${warm.at(-1)!.readyMs.toFixed(0)} ms, idle ${warm.at(-1)!.idleRssMb.toFixed(0)} MB`);
}

// Whole milliseconds and megabytes: finer would only be noise.
const whole = (values: number[]) => values.map(Math.round);
const figures = [
  figure("startup ready, warm (healthz 200)", whole(warm.map((s) => s.readyMs)), "ms", { maxValue: 5_000 }),
  figure("startup ready, first start (empty DATA_DIR)", whole(first.map((s) => s.readyMs)), "ms", { maxValue: 10_000 }),
  // Reported for context: issue 12 asks the embedded database only to be as low as PGlite allows (bench/memory.ts).
  figure("idle memory (RSS, embedded database)", whole(warm.map((s) => s.idleRssMb)), "MB", {}),
];
const when = new Date().toISOString().slice(0, 10);
// Two cores shared with other work: the load average says how much the figures are inflated.
const load = `${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
writeFileSync(path.join(root, "bench/results/startup.json"), `${JSON.stringify({ bench: "startup", measured: when, runs, loadAverage: load, figures }, null, 2)}\n`);
const rows = figures.map((f) => `| ${f.name} | ${f.value} ${f.unit} | ${f.min}-${f.max} | ${f.goal} | ${f.met === null ? "" : f.met ? "met" : "missed"} |`);
writeFileSync(
  path.join(root, "bench/results/startup.md"),
  `# Start-up (embedded PGlite, \`node --import tsx src/main.ts\`)

Measured ${when} with \`npx tsx bench/startup.ts ${runs}\` on the shared 2-core machine. 1-minute load average ${load} (2 cores). Median of ${runs} runs; ready = the started line and /healthz 200; idle = RSS ${IDLE_MS / 1000} s after ready.

| figure | median | range | goal | |
|---|---:|---:|---:|---|
${rows.join("\n")}
`,
);
console.log(rows.join("\n"));

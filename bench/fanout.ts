/**
 * Fan-out: N cohorts in one Slack workspace all due in the same minute, posted by one
 * tick through the fake Slack enforcing Slack's limits (1 post per second per channel, a
 * workspace-wide post rate, and one of the two history limits). Reference: the least
 * time those limits allow for N posts. Counts posts lost and doubled. Slack only: Discord's
 * 50 requests a second are paced inside discord.js (@discordjs/rest's globalRequestsPerSecond
 * and per-route buckets), and the fake Discord enforces no limits to measure against.
 * Writes bench/results/fanout.json.
 *   BENCH_DATABASE_URL=postgres://... npx tsx bench/fanout.ts [cohorts]
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { Coach } from "../src/core/coach.ts";
import type { Database } from "../src/db/client.ts";
import { openEmbeddedOnDisk } from "./embedded.ts";
import { createRepositories } from "../src/db/repositories/index.ts";
import { createLogger } from "../src/logger.ts";
import { MessengerRouter } from "../src/platforms.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { createSlackAdapter } from "../src/slack/index.ts";
import { startFakeSlack, type SlackRateLimits } from "../tests/fakes/slack/index.ts";
import { openIsolatedPostgres } from "../tests/support/databases.ts";
import { figure, writeFigures, type Figure } from "./figures.ts";

const COHORTS = Number(process.argv[2]) || 1_000;
const WORKSPACE_POSTS_PER_SECOND = 50;
/** A run still going at this multiple of the floor is cut: the goal is already missed. */
const CUT_AT = 2.5;
const root = path.resolve(import.meta.dirname, "..");
const bank = loadQuestionBank(path.join(root, "questions"));
const log = createLogger("silent");

const profiles: { name: string; limits: SlackRateLimits }[] = [
  { name: "Tier 3 history (50/min)", limits: { postsPerChannelPerSecond: 1, postsPerWorkspacePerSecond: WORKSPACE_POSTS_PER_SECOND, historyPerMinute: 50 } },
  {
    name: "distributed-app history (1/min, 15 messages)",
    limits: { postsPerChannelPerSecond: 1, postsPerWorkspacePerSecond: WORKSPACE_POSTS_PER_SECOND, historyPerMinute: 1, historyMaxMessages: 15 },
  },
];

/** One cohort set up through the engine, then cloned in SQL: setting up a thousand one by one would dominate the bench. */
async function seedCohorts(coach: Coach, database: Database, teamId: string): Promise<void> {
  const admin = { userRef: `slack:${teamId}:U0ADMIN`, displayName: "Ada", isPlatformAdmin: true };
  await coach.setup({ platform: "slack", workspaceId: teamId, channelId: "C0" }, admin, coach.parseSchedule(["humana/ai-pm", "09:00", "America/New_York", "mon-fri"]));
  await database.db.execute(sql`
    insert into cohorts (platform, workspace_id, channel_id, track_id, post_time, time_zone, weekdays, answer_close_time, review_close_time,
                         reviewers_per_answer, reminders_enabled, paused, season, created_by, created_at, next_post_at)
    select platform, workspace_id, 'C' || n, track_id, post_time, time_zone, weekdays, answer_close_time, review_close_time,
           reviewers_per_answer, reminders_enabled, paused, season, created_by, created_at, next_post_at
    from cohorts, generate_series(1, ${COHORTS - 1}) as n where channel_id = 'C0'`);
}

async function runOnce(database: Database, profile: (typeof profiles)[number]) {
  const fake = await startFakeSlack({ rateLimits: profile.limits });
  const repos = createRepositories(database.db);
  let now = new Date("2026-10-29T12:00:00Z"); // Thursday 08:00 in New York
  const clock = { now: () => now };
  await repos.questions.sync(bank, now);
  const router = new MessengerRouter();
  const coach = new Coach({ repos, messenger: router, clock, log }, { timeZone: "America/New_York", postTime: "09:00" });
  // Retries wait out each 429's Retry-After (SlackPoster, holding the post's pace slots), with no extra backoff.
  const adapter = createSlackAdapter({
    config: { botToken: "xoxb-bench", mode: { kind: "http", signingSecret: "bench-signing-secret" }, apiUrl: fake.url },
    coach,
    log,
    retryConfig: { retries: 50, factor: 1, minTimeout: 0, maxTimeout: 0 },
  });
  router.register(adapter.platform, adapter.messenger);
  await seedCohorts(coach, database, fake.teamId);
  // Connected before the minute, as a running bot is: its first call (auth.test) has paid for the HTTP client's start-up.
  await adapter.start();

  now = new Date("2026-10-29T13:00:00Z");
  const floorS = Math.ceil(COHORTS / WORKSPACE_POSTS_PER_SECOND) - 1;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const startedAt = Date.now();
  // A run past the cut has missed its goal; what it managed so far is reported and the process ends.
  const cut = await Promise.race([
    coach.tick().then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), Math.max(CUT_AT * floorS, 15) * 1000)),
  ]);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const posts = fake.calls.filter((c) => c.method === "chat.postMessage" && c.status === 200 && c.response["ok"] === true);
  const channels = new Set(posts.map((c) => String(c.args["channel"])));
  const result = {
    seconds,
    floorS,
    posted: posts.length,
    lost: COHORTS - channels.size,
    duplicates: posts.length - channels.size,
    historyReads: fake.calls.filter((c) => c.method.startsWith("conversations.") && c.status === 200).length,
    refused: fake.calls.filter((c) => c.status === 429).length,
    cut,
    firstPostS: posts.length > 0 ? (posts[0]!.at - startedAt) / 1000 : null,
    // The process's CPU over the run (bot and fake Slack together) and the machine's load: a run short of CPU cannot keep the pace.
    cpuS: (cpu.user + cpu.system) / 1e6,
    load: loadavg()[0]!,
  };
  return result;
}

const targets: Record<string, () => Promise<Database>> = {
  PGlite: () => openEmbeddedOnDisk(),
  PostgreSQL: () => openIsolatedPostgres(process.env.BENCH_DATABASE_URL!),
};

// Each run is a child process, so a run cut short leaves nothing running into the next.
// Runs go in a child process per database, one after another while none is cut: a run
// cut short leaves its tick running, so the child then ends and the next run gets a fresh one.
// (A process per run spent more on starting up than on the run itself.)
if (process.argv[3] === "--run") {
  const label = process.argv[4]!;
  for (const profileIndex of process.argv.slice(5).map(Number)) {
    const result = await runOnce(await targets[label]!(), profiles[profileIndex]!);
    console.log(`RESULT ${JSON.stringify({ profileIndex, ...result })}`);
    if (result.cut) break;
  }
  process.exit(0);
}

const figures: Figure[] = [];
const labels = ["PGlite", ...(process.env.BENCH_DATABASE_URL ? ["PostgreSQL"] : [])];
for (const label of labels) {
  const results = new Map<number, Awaited<ReturnType<typeof runOnce>>>();
  while (results.size < profiles.length) {
    const left = [...profiles.keys()].filter((i) => !results.has(i));
    const child = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, String(COHORTS), "--run", label, ...left.map(String)], { encoding: "utf8", env: process.env });
    const lines = child.stdout.split("\n").filter((l) => l.startsWith("RESULT "));
    if (lines.length === 0) throw new Error(`fan-out run ${label} / ${profiles[left[0]!]!.name} failed:\n${child.stderr}`);
    for (const line of lines) {
      const { profileIndex, ...r } = JSON.parse(line.slice("RESULT ".length)) as { profileIndex: number } & Awaited<ReturnType<typeof runOnce>>;
      results.set(profileIndex, r);
    }
  }
  for (const [index, profile] of profiles.entries()) {
    const r = results.get(index)!;
    console.log(`${label}, ${profile.name}: ${JSON.stringify(r)}`);
    const note = `${r.posted} posted, ${r.lost} lost, ${r.duplicates} doubled, ${r.historyReads} history reads, ${r.refused} answered 429; first post at ${r.firstPostS?.toFixed(1)} s, ${r.cpuS.toFixed(1)} s CPU, load ${r.load.toFixed(1)}${r.cut ? `; cut at ${CUT_AT}x the floor` : ""}`;
    const name = `Slack fan-out, ${COHORTS} cohorts in one minute, ${profile.name}, ${label}`;
    figures.push(figure(`${name}: time`, [r.seconds], "s", { reference: r.floorS, maxRatio: 1.1 }, note));
    figures.push(figure(`${name}: lost + doubled posts`, [r.lost + r.duplicates], "posts", { maxValue: 0 }));
  }
}
writeFigures("fanout", figures, {
  limits: profiles.map((p) => ({ profile: p.name, ...p.limits })),
  floor: `ceil(${COHORTS} / ${WORKSPACE_POSTS_PER_SECOND}) - 1 s: the workspace rate admits ${WORKSPACE_POSTS_PER_SECOND} posts in any 1 s window`,
});

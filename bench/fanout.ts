/**
 * Fan-out: N cohorts all due in the same minute, posted by one tick through a fake platform
 * enforcing its limits. Slack: one workspace, 1 post per second per channel, a workspace-wide
 * post rate and one of the two history limits. Discord: one guild, the bot's global 50 requests
 * a second (a daily post is two: the message and its thread). Reference: the least time those
 * limits allow. Counts posts lost and doubled. Writes bench/results/fanout.json.
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
import { createDiscordAdapter } from "../src/discord/index.ts";
import { createLogger } from "../src/logger.ts";
import { MessengerRouter, type PlatformAdapter } from "../src/platforms.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { createSlackAdapter } from "../src/slack/index.ts";
import { startFakeDiscord } from "../tests/fakes/discord/fake-discord.ts";
import { startFakeSlack, type SlackRateLimits } from "../tests/fakes/slack/index.ts";
import { openIsolatedPostgres } from "../tests/support/databases.ts";
import { figure, writeFigures, type Figure } from "./figures.ts";

const COHORTS = Number(process.argv[2]) || 1_000;
const WORKSPACE_POSTS_PER_SECOND = 50;
const DISCORD_REQUESTS_PER_SECOND = 50;
/** A Discord daily post is a message and the thread started on it. */
const DISCORD_REQUESTS_PER_POST = 2;
/** A run still going at this multiple of the floor is cut: the goal is already missed. */
const CUT_AT = 2.5;
const root = path.resolve(import.meta.dirname, "..");
const bank = loadQuestionBank(path.join(root, "questions"));
const log = createLogger("silent");

type Scenario = { name: string } & ({ platform: "Slack"; limits: SlackRateLimits } | { platform: "Discord"; globalRequestsPerSecond: number });

const scenarios: Scenario[] = [
  {
    platform: "Slack",
    name: "Tier 3 history (50/min)",
    limits: { postsPerChannelPerSecond: 1, postsPerWorkspacePerSecond: WORKSPACE_POSTS_PER_SECOND, historyPerMinute: 50 },
  },
  {
    platform: "Slack",
    name: "distributed-app history (1/min, 15 messages)",
    limits: { postsPerChannelPerSecond: 1, postsPerWorkspacePerSecond: WORKSPACE_POSTS_PER_SECOND, historyPerMinute: 1, historyMaxMessages: 15 },
  },
  { platform: "Discord", name: `${DISCORD_REQUESTS_PER_SECOND} requests/s`, globalRequestsPerSecond: DISCORD_REQUESTS_PER_SECOND },
];

/** One cohort set up through the engine, then cloned in SQL into the other channels: setting up a thousand one by one would dominate the bench. */
async function seedCohorts(coach: Coach, database: Database, platform: "slack" | "discord", workspaceId: string, channelIds: string[], adminRef: string): Promise<void> {
  const [first, ...rest] = channelIds;
  const admin = { userRef: adminRef, displayName: "Ada", isPlatformAdmin: true };
  await coach.setup({ platform, workspaceId, channelId: first! }, admin, coach.parseSchedule(["humana/ai-pm", "09:00", "America/New_York", "mon-fri"]));
  await database.db.execute(sql`
    insert into cohorts (platform, workspace_id, channel_id, track_id, post_time, time_zone, weekdays, answer_close_time, review_close_time,
                         reviewers_per_answer, reminders_enabled, paused, season, created_by, created_at, next_post_at)
    select platform, workspace_id, channel.id, track_id, post_time, time_zone, weekdays, answer_close_time, review_close_time,
           reviewers_per_answer, reminders_enabled, paused, season, created_by, created_at, next_post_at
    from cohorts, jsonb_array_elements_text(${JSON.stringify(rest)}::jsonb) as channel(id) where channel_id = ${first}`);
}

/** What a fake platform saw during the tick, and the least time its limits allow for it. */
interface Seen {
  /** Accepted daily posts: the channel and when the fake accepted it. */
  posts: { channel: string; at: number }[];
  historyReads: number;
  refused: number;
  floorS: number;
  /** Discord: every request of the bot the fake accepted (posts, threads and any lookups). */
  requests?: number;
}

interface Platform {
  adapter: PlatformAdapter;
  seed(coach: Coach, database: Database): Promise<void>;
  seen(): Seen;
  close(): Promise<void>;
}

async function slackPlatform(limits: SlackRateLimits, coach: Coach): Promise<Platform> {
  const fake = await startFakeSlack({ rateLimits: limits });
  // Retries wait out each 429's Retry-After (SlackPoster, holding the post's pace slots), with no extra backoff.
  const adapter = createSlackAdapter({
    config: { botToken: "xoxb-bench", mode: { kind: "http", signingSecret: "bench-signing-secret" }, apiUrl: fake.url },
    coach,
    log,
    retryConfig: { retries: 50, factor: 1, minTimeout: 0, maxTimeout: 0 },
  });
  const channels = Array.from({ length: COHORTS }, (_, n) => `C${n}`);
  return {
    adapter,
    seed: (c, database) => seedCohorts(c, database, "slack", fake.teamId, channels, `slack:${fake.teamId}:U0ADMIN`),
    seen: () => ({
      posts: fake.calls
        .filter((c) => c.method === "chat.postMessage" && c.status === 200 && c.response["ok"] === true)
        .map((c) => ({ channel: String(c.args["channel"]), at: c.at })),
      historyReads: fake.calls.filter((c) => c.method.startsWith("conversations.") && c.status === 200).length,
      refused: fake.calls.filter((c) => c.status === 429).length,
      floorS: Math.ceil(COHORTS / WORKSPACE_POSTS_PER_SECOND) - 1,
    }),
    close: () => fake.close(),
  };
}

async function discordPlatform(globalRequestsPerSecond: number, coach: Coach): Promise<Platform> {
  const fake = await startFakeDiscord({ globalRequestsPerSecond, heartbeatIntervalMs: 41_250, interactionDeadlineMs: Infinity });
  const guild = fake.addGuild({ name: "Interview Prep" });
  const channels = Array.from({ length: COHORTS }, (_, n) => fake.addChannel(guild.id, { name: `practice-${n}` }).id);
  const admin = fake.addMember(guild.id, { username: "organizer", permissions: "ManageGuild" });
  const adapter = createDiscordAdapter({ config: { token: "fake-bot-token-0123456789", applicationId: fake.applicationId, apiUrl: fake.apiUrl, guildId: guild.id }, coach, log });
  let since = 0;
  return {
    adapter,
    seed: async (c, database) => {
      await seedCohorts(c, database, "discord", guild.id, channels, `discord:${admin.id}`);
      since = fake.mark();
    },
    seen: () => {
      const calls = fake.calls.slice(since);
      return {
        posts: calls.filter((c) => c.route === "POST /channels/:id/messages" && c.status === 200).map((c) => ({ channel: c.params["id"]!, at: c.at })),
        historyReads: calls.filter((c) => c.route === "GET /channels/:id/messages" && c.status === 200).length,
        refused: calls.filter((c) => c.status === 429).length,
        floorS: Math.ceil((COHORTS * DISCORD_REQUESTS_PER_POST) / globalRequestsPerSecond) - 1,
        requests: calls.filter((c) => c.status !== 429).length,
      };
    },
    close: () => fake.close(),
  };
}

async function runOnce(database: Database, scenario: Scenario) {
  const repos = createRepositories(database.db);
  let now = new Date("2026-10-29T12:00:00Z"); // Thursday 08:00 in New York
  const clock = { now: () => now };
  await repos.questions.sync(bank, now);
  const router = new MessengerRouter();
  const coach = new Coach({ repos, messenger: router, clock, log }, { timeZone: "America/New_York", postTime: "09:00" });
  const platform = scenario.platform === "Slack" ? await slackPlatform(scenario.limits, coach) : await discordPlatform(scenario.globalRequestsPerSecond, coach);
  router.register(platform.adapter.platform, platform.adapter.messenger);
  // Connected before the minute, as a running bot is: its first calls have paid for the HTTP client's start-up.
  await platform.adapter.start();
  await platform.seed(coach, database);

  now = new Date("2026-10-29T13:00:00Z");
  const floorS = platform.seen().floorS;
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
  const seen = platform.seen();
  const channels = new Set(seen.posts.map((p) => p.channel));
  const result = {
    seconds,
    floorS,
    posted: seen.posts.length,
    lost: COHORTS - channels.size,
    duplicates: seen.posts.length - channels.size,
    historyReads: seen.historyReads,
    refused: seen.refused,
    requests: seen.requests ?? null,
    cut,
    firstPostS: seen.posts.length > 0 ? (Math.min(...seen.posts.map((p) => p.at)) - startedAt) / 1000 : null,
    // The process's CPU over the run (bot and fake together) and the machine's load: a run short of CPU cannot keep the pace.
    cpuS: (cpu.user + cpu.system) / 1e6,
    load: loadavg()[0]!,
  };
  if (!cut) {
    await platform.adapter.stop();
    await platform.close();
  }
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
  for (const scenarioIndex of process.argv.slice(5).map(Number)) {
    const result = await runOnce(await targets[label]!(), scenarios[scenarioIndex]!);
    console.log(`RESULT ${JSON.stringify({ scenarioIndex, ...result })}`);
    if (result.cut) break;
  }
  process.exit(0);
}

const figures: Figure[] = [];
const labels = ["PGlite", ...(process.env.BENCH_DATABASE_URL ? ["PostgreSQL"] : [])];
for (const label of labels) {
  const results = new Map<number, Awaited<ReturnType<typeof runOnce>>>();
  while (results.size < scenarios.length) {
    const left = [...scenarios.keys()].filter((i) => !results.has(i));
    const child = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, String(COHORTS), "--run", label, ...left.map(String)], { encoding: "utf8", env: process.env });
    const lines = child.stdout.split("\n").filter((l) => l.startsWith("RESULT "));
    if (lines.length === 0) throw new Error(`fan-out run ${label} / ${scenarios[left[0]!]!.name} failed:\n${child.stderr}`);
    for (const line of lines) {
      const { scenarioIndex, ...r } = JSON.parse(line.slice("RESULT ".length)) as { scenarioIndex: number } & Awaited<ReturnType<typeof runOnce>>;
      results.set(scenarioIndex, r);
    }
  }
  for (const [index, scenario] of scenarios.entries()) {
    const r = results.get(index)!;
    console.log(`${label}, ${scenario.platform} ${scenario.name}: ${JSON.stringify(r)}`);
    const reads = scenario.platform === "Slack" ? `${r.historyReads} history reads` : `${r.requests} requests`;
    const note = `${r.posted} posted, ${r.lost} lost, ${r.duplicates} doubled, ${reads}, ${r.refused} answered 429; first post at ${r.firstPostS?.toFixed(1)} s, ${r.cpuS.toFixed(1)} s CPU, load ${r.load.toFixed(1)}${r.cut ? `; cut at ${CUT_AT}x the floor` : ""}`;
    const name = `${scenario.platform} fan-out, ${COHORTS} cohorts in one minute, ${scenario.name}, ${label}`;
    figures.push(figure(`${name}: time`, [r.seconds], "s", { reference: r.floorS, maxRatio: 1.1 }, note));
    figures.push(figure(`${name}: lost + doubled posts`, [r.lost + r.duplicates], "posts", { maxValue: 0 }));
  }
}
writeFigures("fanout", figures, {
  limits: scenarios.map(({ platform, name, ...limits }) => ({ platform, scenario: name, ...("limits" in limits ? limits.limits : limits) })),
  floor: {
    slack: `ceil(${COHORTS} / ${WORKSPACE_POSTS_PER_SECOND}) - 1 s: the workspace rate admits ${WORKSPACE_POSTS_PER_SECOND} posts in any 1 s window`,
    discord: `ceil(${COHORTS} x ${DISCORD_REQUESTS_PER_POST} / ${DISCORD_REQUESTS_PER_SECOND}) - 1 s: a post and its thread are two requests, and the global limit admits ${DISCORD_REQUESTS_PER_SECOND} in any 1 s window`,
  },
});

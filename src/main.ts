import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
// Only what is needed to read the configuration loads up front: a bad variable is
// reported in a fraction of a second, before the database driver or the platform SDKs load.
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { livenessRoute, metricsRoute, readinessRoute, type Readiness } from "./http/health.ts";
import { startHttpServer, type HttpServer } from "./http/server.ts";
import { createLogger, prettyDestination, type Logger } from "./logger.ts";
import { Metrics, observeCoach } from "./metrics.ts";
import type { PlatformAdapter } from "./platforms.ts";
import type { Clock } from "./core/clock.ts";
import type { AiSettings } from "./core/ai/review-queue.ts";

/** The one composition root: everything is wired here and nowhere else. */

const SHUTDOWN_BUDGET_MS = 5_000;

function readConfig(): Config {
  if (existsSync(".env")) process.loadEnvFile(".env");
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // Plain stderr, not the logger: the log level itself may be what is misconfigured.
      console.error(`Invalid configuration: ${error.message.replaceAll("\n", "; ")}`);
      process.exit(1);
    }
    throw error;
  }
}

/** Milliseconds since `since` (default: since the process started). */
const msSince = (since = 0) => Math.round(performance.now() - since);

async function main(): Promise<void> {
  const config = readConfig();
  const pretty = (config.logFormat ?? (process.stdout.isTTY ? "pretty" : "json")) === "pretty";
  const log = createLogger(config.logLevel, pretty ? await prettyDestination(Boolean(process.stdout.isTTY)) : undefined);
  const metrics = new Metrics({ processMetrics: true });
  const readiness: Readiness = { ping: undefined, adapters: [] };

  // The port is taken before any database work, so "in use" is said at once.
  const http = await listen(config.port, config.web.host, [livenessRoute(readiness), readinessRoute(readiness), metricsRoute(metrics)], log);
  log.info({ port: http.port, ms: msSince() }, `listening on port ${http.port} (/healthz, /readyz, /metrics)`);

  const { loadQuestionBank, QuestionBankError } = await import("./questions/loader.ts");
  let bank;
  try {
    bank = loadQuestionBank(config.questionsDir);
  } catch (error) {
    if (error instanceof QuestionBankError) {
      console.error(`Invalid question bank:\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  let at = performance.now();
  const [{ openDatabase }, { createRepositories, repositoryOptionsFor }, { systemClock }, { Coach }, { MessengerRouter }, { startMinuteTick }] = await Promise.all([
    import("./db/client.ts"),
    import("./db/repositories/index.ts"),
    import("./core/clock.ts"),
    import("./core/coach.ts"),
    import("./platforms.ts"),
    import("./scheduler/minute-tick.ts"),
  ]);
  const where = config.database.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `embedded, DATA_DIR=${config.database.dataDir}`;
  const database = await openDatabase(config.database).catch((error: unknown) => exitOnDatabaseError(config, error));
  log.info({ ms: msSince(at) }, `database opened (${where})`);
  const repos = createRepositories(database.db, repositoryOptionsFor(database.kind));
  // Test hook (refused unless NODE_ENV=test): the chaos suite moves time through a file.
  const testClock = config.testClockFile ? (await import("./test-hooks/file-clock.ts")).fileClock(config.testClockFile) : undefined;
  if (testClock) log.warn({ file: config.testClockFile }, "test clock in use: time comes from COACH_TEST_CLOCK_FILE");
  const clock: Clock = testClock ?? systemClock;
  // Replicas starting together on a fresh server take turns here (an advisory lock).
  const sync = await database.whileStarting(async () => {
    at = performance.now();
    await database.migrate();
    log.info({ ms: msSince(at) }, "migrations applied");
    at = performance.now();
    const report = await repos.questions.sync(bank, clock.now());
    log.info({ ms: msSince(at), tracks: bank.tracks.length, ...report }, "questions synced");
    return report;
  });
  readiness.ping = database.ping;

  // Off unless AI_BASE_URL is set: then the openai SDK is not even loaded and nothing can leave the process.
  const aiReviewer = config.ai
    ? (await import("./ai/openai-reviewer.ts")).createAiReviewer(config.ai, { clock, logger: log.child({ component: "ai" }) })
    : undefined;

  const messenger = new MessengerRouter();
  // Undefined keeps every AI path off: no queue rows, no AI queries, `ai on` refused with a reason.
  const ai: AiSettings | undefined =
    aiReviewer && config.ai
      ? { reviewer: aiReviewer, dailyCapPerCohort: config.ai.dailyCapPerCohort, leaseMs: (await import("./core/ai/review-queue.ts")).aiLeaseMs(config.ai.timeoutMs) }
      : undefined;
  const coach = new Coach({ repos, messenger, clock, log, ai }, config.defaults, config.web.publicUrl);
  observeCoach(coach, metrics);
  const { resilientCoach, Retrier } = await import("./resilience.ts");
  const retrier = new Retrier(log);
  readiness.retrying = () => ({ pending: retrier.pending, degraded: retrier.degraded });
  // Adapters reach the engine through the retrier: work already acknowledged to a platform is never silently dropped.
  const platformCoach = resilientCoach(coach, retrier);
  // Each SDK loads only when its platform is configured.
  const adapters: PlatformAdapter[] = [];
  if (config.slack) {
    const { createSlackAdapter } = await import("./slack/index.ts");
    adapters.push(createSlackAdapter({ config: config.slack, coach: platformCoach, log: log.child({ platform: "slack" }), metrics: metrics.platform("slack") }));
  }
  if (config.discord) {
    const { createDiscordAdapter } = await import("./discord/index.ts");
    adapters.push(createDiscordAdapter({ config: config.discord, coach: platformCoach, log: log.child({ platform: "discord" }), metrics: metrics.platform("discord") }));
  }
  for (const adapter of adapters) messenger.register(adapter.platform, adapter.messenger);
  readiness.adapters = adapters;
  http.mount(adapters.flatMap((a) => a.routes));
  const { createWebHandler } = await import("./web/index.ts");
  http.mountFallback(createWebHandler({ coach, practiceRoom: config.web.practiceRoom, log: log.child({ platform: "web" }) }));
  // A platform that cannot connect says why in its own log line and keeps retrying; the rest start anyway.
  await Promise.all(adapters.map((adapter) => adapter.start()));
  const ticker = startMinuteTick(coach.tick, log);
  // Its own timer: a slow model never holds up a post, a reminder or a close.
  const aiTicker = ai ? startMinuteTick(coach.aiTick, log, "cohort-coach-ai-queue") : undefined;
  // A test clock moves in jumps: tick at each jump and say when that tick is over, so the
  // runner paces the day by events instead of waiting for wall-clock minutes.
  testClock?.onChange(() => void ticker.runNow().then(() => log.info({ at: clock.now().toISOString() }, "test clock: tick done")));

  // Before the started line: whoever reads it may signal at once, and must find a clean stop.
  installShutdown(log, async () => {
    testClock?.stop();
    await ticker.stop();
    await aiTicker?.stop();
    await Promise.all(adapters.map((adapter) => adapter.stop()));
    await http.close();
    await database.close();
  });

  log.info(
    {
      port: http.port,
      ms: msSince(),
      database: database.kind === "pglite" ? `embedded (${config.database.kind === "pglite" ? config.database.dataDir : ""})` : "postgres",
      tracks: bank.tracks.length,
      questions: sync,
      slack: config.slack ? `enabled (${config.slack.mode.kind} mode)` : "disabled: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET",
      discord: config.discord ? "enabled" : "disabled: set DISCORD_TOKEN and DISCORD_APPLICATION_ID",
      // The host only: a base URL can carry credentials in its userinfo or query.
      ai: aiReviewer && config.ai ? `enabled (${aiReviewer.model} at ${new URL(config.ai.baseUrl).host})` : "disabled: set AI_BASE_URL and AI_MODEL",
      ready: adapters.every((a) => a.health().ready),
    },
    `Cohort Coach started on port ${http.port} in ${(msSince() / 1000).toFixed(1)} s`,
  );
  if (config.web.practiceRoom) {
    // A wildcard bind is reachable on loopback too, and that is the address a browser here can open.
    const host = config.web.host === "0.0.0.0" || config.web.host === "::" ? "127.0.0.1" : config.web.host;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${http.port}/`;
    log.info({ practiceRoom: url }, `Practice room: open ${url} in your browser`);
  }

}

async function listen(port: number, host: string, routes: Parameters<typeof startHttpServer>[0]["routes"], log: Logger): Promise<HttpServer> {
  try {
    return await startHttpServer({ port, host, routes, log });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") console.error(`PORT ${port} is already in use: stop the other process or set PORT to a free port.`);
    else if (code === "EACCES") console.error(`PORT ${port} needs privileges this process lacks: use a port above 1023.`);
    else throw error;
    process.exit(1);
  }
}

/** DATA_DIR mistakes surface as bare EACCES or ENOTDIR from deep inside PGlite; name the variable. */
function exitOnDatabaseError(config: Config, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (config.database.kind === "pglite" && (code === "EACCES" || code === "EPERM" || code === "ENOTDIR" || code === "EEXIST" || code === "EROFS")) {
    console.error(`DATA_DIR=${config.database.dataDir} cannot be used for the embedded database (${code}): point DATA_DIR at a writable directory.`);
    process.exit(1);
  }
  throw error;
}

function installShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    // A hung handler must not keep the process past the budget the orchestrator allows.
    const deadline = setTimeout(() => {
      log.error("shutdown exceeded its budget; exiting");
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS);
    deadline.unref();
    stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

main().catch((error: unknown) => {
  console.error("Cohort Coach failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});

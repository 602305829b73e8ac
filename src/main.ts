import { existsSync } from "node:fs";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { systemClock } from "./core/clock.ts";
import { Coach } from "./core/coach.ts";
import { openDatabase } from "./db/client.ts";
import { createRepositories } from "./db/repositories/index.ts";
import { createDiscordAdapter } from "./discord/index.ts";
import { healthRoute, startHttpServer } from "./http/server.ts";
import { createLogger, type Logger } from "./logger.ts";
import { MessengerRouter, type PlatformAdapter } from "./platforms.ts";
import { loadQuestionBank, QuestionBankError } from "./questions/loader.ts";
import { startMinuteTick } from "./scheduler/minute-tick.ts";
import { createSlackAdapter } from "./slack/index.ts";

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

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config.logLevel);

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

  const database = await openDatabase(
    config.database.kind === "postgres" ? config.database : { kind: "pglite", dataDir: config.database.dataDir },
  );
  await database.migrate();
  const repos = createRepositories(database.db);
  const sync = await repos.questions.sync(bank, systemClock.now());

  const messenger = new MessengerRouter();
  const coach = new Coach({ repos, messenger, clock: systemClock, log }, config.defaults);
  const adapters: PlatformAdapter[] = [];
  if (config.slack) adapters.push(createSlackAdapter({ config: config.slack, coach, log: log.child({ platform: "slack" }) }));
  if (config.discord) adapters.push(createDiscordAdapter({ config: config.discord, coach, log: log.child({ platform: "discord" }) }));
  for (const adapter of adapters) messenger.register(adapter.platform, adapter.messenger);

  const http = await startHttpServer({ port: config.port, routes: [healthRoute(database.ping), ...adapters.flatMap((a) => a.routes)], log });
  for (const adapter of adapters) await adapter.start();
  const ticker = startMinuteTick(coach.tick, log);

  log.info(
    {
      port: http.port,
      database: database.kind === "pglite" ? `embedded (${config.database.kind === "pglite" ? config.database.dataDir : ""})` : "postgres",
      tracks: bank.tracks.length,
      questions: sync,
      slack: config.slack ? `enabled (${config.slack.mode.kind} mode)` : "disabled: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET",
      discord: config.discord ? "enabled" : "disabled: set DISCORD_TOKEN and DISCORD_APPLICATION_ID",
    },
    `Cohort Coach started on port ${http.port}`,
  );

  installShutdown(log, async () => {
    await ticker.stop();
    await Promise.all(adapters.map((adapter) => adapter.stop()));
    await http.close();
    await database.close();
  });
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

import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from "@slack/bolt";
import type { Coach } from "../core/coach.ts";
import type { SlackConfig } from "../config.ts";
import type { Route } from "../http/server.ts";
import type { Logger } from "../logger.ts";
import { noPlatformMetrics, type PlatformCallMetrics } from "../metrics.ts";
import { ConnectionState } from "../platform-connection.ts";
import type { PlatformAdapter } from "../platforms.ts";
import { actionHandlers } from "./actions/index.ts";
import { registerAction } from "./actions/types.ts";
import { boltLogger } from "./bolt-logger.ts";
import { guardSlackBody } from "./body-guard.ts";
import { commandRegistrations } from "./commands/index.ts";
import { badToken, describeSlackFailure, instrumentedFetch } from "./connection.ts";
import { eventRegistrations } from "./events/index.ts";
import { SlackMessenger } from "./messenger.ts";
import { PostPace } from "./pace.ts";
import { SlackPoster } from "./poster.ts";
import { catchUpSlack } from "./catch-up.ts";
import { HistoryBudget } from "./history-budget.ts";
import { SlackRuntime } from "./runtime.ts";
import { registerView, viewHandlers } from "./views/index.ts";

export const EVENTS_PATH = "/slack/events";
/** Tier 3's allowance for conversations.history / conversations.replies per workspace. */
export const DEFAULT_HISTORY_READS_PER_MINUTE = 50;
/**
 * chat.postMessage across the workspace per second. Slack documents about one a second
 * per channel "while also maintaining a workspace-wide limit" without a figure; 50 is
 * the rate the fan-out bench and fake assume. A lower real limit costs 429s that each
 * post waits out holding its pace slots (SlackPoster), never lost posts.
 */
export const DEFAULT_POSTS_PER_SECOND = 50;

export interface SlackAdapterOptions {
  readonly config: SlackConfig;
  readonly coach: Coach;
  readonly log: Logger;
  /** Web API retries; production keeps WebClient's five-in-five-minutes (429s wait for Retry-After). Posts use it for failed requests only: SlackPoster waits out their 429s without counting them. */
  readonly retryConfig?: webApi.RetryOptions;
  /** Minimum gap between posts to one channel; Slack allows about one per second. */
  readonly channelPaceMs?: number;
  readonly metrics?: PlatformCallMetrics;
  /** How often a failed token check or connection is retried; 30 s in production. */
  readonly reconnectMs?: number;
}

const SLACK_API_URL = "https://slack.com/api/";

/**
 * Slack over Bolt. HTTP mode mounts Bolt's request listener at POST /slack/events on
 * our server (Bolt verifies the signature and the 5-minute window); Socket Mode
 * connects out with the app token. Either way every listener acks first, then works.
 */
export function createSlackAdapter(options: SlackAdapterOptions): PlatformAdapter {
  const { config, coach, log } = options;
  const apiUrl = config.apiUrl ?? SLACK_API_URL;
  const state = new ConnectionState(log, "slack", options.reconnectMs ?? 30_000);
  const fetchWithMetrics = instrumentedFetch(options.metrics ?? noPlatformMetrics, (token, code) => {
    state.failed(badToken(token, code));
    state.retryLater(connect);
  });
  const retryConfig = options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes;
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    retryConfig,
    fetch: fetchWithMetrics,
  };
  // Our own token check fails fast and says why; Bolt's would retry for minutes and then
  // blame every request with "not acknowledged within 3 seconds".
  const checkClient = new webApi.WebClient(config.botToken, {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 10_000,
    fetch: fetchWithMetrics,
    logLevel: webApi.LogLevel.ERROR,
  });
  const logger = boltLogger(log);
  let receiver: HTTPReceiver | undefined;
  let socket: SocketModeReceiver | undefined;
  // Bolt initialises (its own auth.test) only once our check has passed.
  const common = { token: config.botToken, logger, logLevel: LogLevel.WARN, clientOptions, deferInitialization: true } as const;
  let app: App;
  if (config.mode.kind === "http") {
    receiver = new HTTPReceiver({ signingSecret: config.mode.signingSecret, endpoints: EVENTS_PATH, logger, logLevel: LogLevel.WARN });
    app = new App({ ...common, receiver });
  } else {
    socket = new SocketModeReceiver({ appToken: config.mode.appToken, logger, logLevel: LogLevel.WARN, installerOptions: { clientOptions } });
    app = new App({ ...common, receiver: socket });
    socket.client.on("connected", () => {
      state.connected({ mode: "socket" });
      // Replies sent while the socket was down are read back from the open threads.
      catchUp("socket connected");
    });
    socket.client.on("reconnecting", () =>
      state.failed({ cause: "Slack Socket Mode connection lost", fix: "Reconnecting by itself; check the network if this repeats", transient: true }),
    );
  }
  let initialized = false;
  let socketStarted = false;

  async function connect(): Promise<void> {
    if (state.isStopped) return;
    let step: "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN" = "SLACK_BOT_TOKEN";
    try {
      const auth = await checkClient.auth.test();
      if (!initialized) {
        await app.init();
        initialized = true;
      }
      if (socket && !socketStarted) {
        step = "SLACK_APP_TOKEN";
        await app.start();
        socketStarted = true;
      }
      state.connected({ mode: config.mode.kind, team: auth.team, user: auth.user });
      if (!socket) catchUp("start");
    } catch (error) {
      state.failed(describeSlackFailure(error, step, apiUrl));
      state.retryLater(connect);
    }
  }

  const pace = new PostPace({ channelIntervalMs: options.channelPaceMs ?? 1_000, workspacePerSecond: config.postsPerSecond ?? DEFAULT_POSTS_PER_SECOND });
  // Posts retry outside WebClient, so a step's fence runs before every attempt.
  const postClient = new webApi.WebClient(config.botToken, { ...clientOptions, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger, logLevel: webApi.LogLevel.WARN });
  const poster = new SlackPoster(postClient, retryConfig, pace, log);
  const rt = new SlackRuntime(app, coach, log, new HistoryBudget(config.historyReadsPerMinute ?? DEFAULT_HISTORY_READS_PER_MINUTE), poster);

  // Tracks listeners still running after their ack, so stop() can wait for them.
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;
  app.use(async ({ next }) => {
    const running = next();
    inFlight.add(running);
    try {
      await running;
    } finally {
      inFlight.delete(running);
    }
  });
  app.error(async (error) => {
    log.error({ err: error }, "unhandled error in a Slack listener");
  });

  for (const register of commandRegistrations) register(app, rt);
  for (const handler of actionHandlers) registerAction(app, rt, handler);
  for (const handler of viewHandlers) registerView(app, rt, handler);
  for (const register of eventRegistrations) register(app, rt);

  const routes: Route[] = receiver
    ? [
        {
          method: "POST",
          path: EVENTS_PATH,
          handler: async (req, res) => {
            if (stopping || !state.ready) {
              // Slack retries a 503 later, by which time another replica, or this one once
              // stopped or reconnected, answers. Without a working token Bolt could not act anyway.
              res.writeHead(503).end();
              return;
            }
            const checked = await guardSlackBody(req, res, log);
            if (checked) receiver.requestListener(checked, res);
          },
        },
      ]
    : [];

  // Reads threads missed while down; runs again a minute later while the history budget leaves some unread.
  let nextPass: NodeJS.Timeout | undefined;
  const catchUp = (reason: string) => {
    if (stopping) return;
    const pass = catchUpSlack(rt).then(
      (report) => {
        log.info({ reason, ...report }, "caught up on open question threads");
        if (report.deferred > 0 && !stopping) nextPass = setTimeout(() => catchUp("history budget"), 60_000);
      },
      (error: unknown) => log.error({ err: error, reason }, "slack catch-up failed"),
    );
    inFlight.add(pass);
    void pass.finally(() => inFlight.delete(pass));
  };

  return {
    platform: "slack",
    messenger: new SlackMessenger(() => rt),
    routes,
    start: connect,
    health: () => state.health(),
    async stop() {
      stopping = true;
      state.stop();
      clearTimeout(nextPass);
      if (socketStarted) await app.stop();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

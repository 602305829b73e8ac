import { App, HTTPReceiver, LogLevel, webApi } from "@slack/bolt";
import type { Coach } from "../core/coach.ts";
import type { SlackConfig } from "../config.ts";
import type { Route } from "../http/server.ts";
import type { Logger } from "../logger.ts";
import type { PlatformAdapter } from "../platforms.ts";
import { actionHandlers } from "./actions/index.ts";
import { registerAction } from "./actions/types.ts";
import { boltLogger } from "./bolt-logger.ts";
import { commandRegistrations } from "./commands/index.ts";
import { eventRegistrations } from "./events/index.ts";
import { SlackMessenger } from "./messenger.ts";
import { ChannelPace } from "./pace.ts";
import { SlackRuntime } from "./runtime.ts";
import { registerView, viewHandlers } from "./views/index.ts";

export const EVENTS_PATH = "/slack/events";

export interface SlackAdapterOptions {
  readonly config: SlackConfig;
  readonly coach: Coach;
  readonly log: Logger;
  /** Web API retries; production keeps WebClient's five-in-five-minutes (429s wait for Retry-After). */
  readonly retryConfig?: webApi.RetryOptions;
  /** Minimum gap between posts to one channel; Slack allows about one per second. */
  readonly channelPaceMs?: number;
}

/**
 * Slack over Bolt. HTTP mode mounts Bolt's request listener at POST /slack/events on
 * our server (Bolt verifies the signature and the 5-minute window); Socket Mode
 * connects out with the app token. Either way every listener acks first, then works.
 */
export function createSlackAdapter(options: SlackAdapterOptions): PlatformAdapter {
  const { config, coach, log } = options;
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    retryConfig: options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
  };
  const logger = boltLogger(log);
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (config.mode.kind === "http") {
    receiver = new HTTPReceiver({ signingSecret: config.mode.signingSecret, endpoints: EVENTS_PATH, logger, logLevel: LogLevel.WARN });
    app = new App({ token: config.botToken, receiver, logger, logLevel: LogLevel.WARN, clientOptions });
  } else {
    app = new App({ token: config.botToken, appToken: config.mode.appToken, socketMode: true, logger, logLevel: LogLevel.WARN, clientOptions });
  }

  const rt = new SlackRuntime(app, coach, log, new ChannelPace(options.channelPaceMs ?? 1_000));

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
          handler: (req, res) => {
            if (stopping) {
              // Slack retries a 503 later, by which time another replica or this one after restart answers.
              res.writeHead(503).end();
              return;
            }
            receiver.requestListener(req, res);
          },
        },
      ]
    : [];

  return {
    platform: "slack",
    messenger: new SlackMessenger(() => rt),
    routes,
    async start() {
      if (config.mode.kind === "socket") await app.start();
    },
    async stop() {
      stopping = true;
      if (config.mode.kind === "socket") await app.stop();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

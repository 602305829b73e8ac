import { once } from "node:events";
import { Client, Events, GatewayIntentBits, Partials, RESTEvents } from "discord.js";
import type { DiscordConfig } from "../config.ts";
import type { Coach } from "../core/coach.ts";
import type { Logger } from "../logger.ts";
import { noPlatformMetrics, type PlatformCallMetrics } from "../metrics.ts";
import { ConnectionState } from "../platform-connection.ts";
import type { PlatformAdapter } from "../platforms.ts";
import { badDiscordToken, deniedProblem, describeDiscordFailure, GatewayClosed } from "./connection.ts";
import type { HandlerContext } from "./context.ts";
import { catchUp } from "./handlers/events/catch-up.ts";
import { ThreadAnswers } from "./handlers/events/messages.ts";
import { routeInteraction } from "./handlers/index.ts";
import { globallyPaced } from "./global-pace.ts";
import { DiscordMessenger } from "./messenger.ts";

export { commandDefinitions } from "./commands/index.ts";

/**
 * The Discord bot: gateway events in, engine calls, embeds and components out.
 * Everything the handlers start is tracked so stop() can wait for it.
 */
export function createDiscordAdapter(options: {
  config: DiscordConfig;
  coach: Coach;
  log: Logger;
  metrics?: PlatformCallMetrics;
  /** How often a failed login is retried when Discord was unreachable; 30 s in production. */
  reconnectMs?: number;
}): PlatformAdapter {
  const { config, coach, log } = options;
  const metrics = options.metrics ?? noPlatformMetrics;
  const apiUrl = config.apiUrl ?? "https://discord.com/api";
  const state = new ConnectionState(log, "discord", options.reconnectMs ?? 30_000);
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    // Thread messages for threads not in the cache are dropped without Partials.Channel.
    partials: [Partials.Channel, Partials.Message],
    rest: { ...(config.apiUrl ? { api: config.apiUrl } : {}), makeRequest: globallyPaced() },
    // discord.js's own sharding: each replica identifies as its shards; Discord routes each guild to shard (guild_id >> 22) % count.
    ...(config.sharding ? { shardCount: config.sharding.count, shards: [...config.sharding.ids] } : {}),
  });
  const ctx: HandlerContext = { coach, log, client };
  const answers = new ThreadAnswers(ctx);
  const inFlight = new Set<Promise<void>>();
  let accepting = false;

  const track = (what: string, work: () => Promise<unknown>) => {
    if (!accepting) return;
    const task: Promise<void> = work().then(
      () => undefined,
      (error: unknown) => log.error({ err: error, what }, "discord handler failed"),
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  client.on(Events.InteractionCreate, (interaction) => track("interaction", () => routeInteraction(interaction, ctx)));
  client.on(Events.MessageCreate, (message) => track("message", () => answers.onMessage(message)));
  client.on(Events.MessageUpdate, (_old, message) => track("message edit", () => answers.onUpdate(message)));
  client.on(Events.MessageDelete, (message) => track("message delete", () => answers.onDelete(message)));
  // ShardReady follows every fresh IDENTIFY (including the first), ShardResume a resumed session.
  const resync = (reason: string) =>
    track(`catch-up after ${reason}`, async () => {
      const fed = await catchUp(ctx, answers);
      log.info({ reason, messages: fed }, "caught up on open question threads");
    });
  client.on(Events.ShardReady, () => resync("ready"));
  client.on(Events.ShardResume, () => resync("resume"));
  client.on(Events.ShardResume, () => state.connected({ resumed: true }));
  client.on(Events.ShardReady, () => state.connected({ user: client.user?.tag, guilds: client.guilds.cache.size }));
  client.on(Events.ShardReconnecting, () =>
    state.failed({ cause: "Discord gateway connection lost", fix: "Reconnecting by itself; check the network if this repeats", transient: true }),
  );
  client.on(Events.ShardDisconnect, (event) => state.failed(describeDiscordFailure(new GatewayClosed(event.code), apiUrl)));
  client.rest.on(RESTEvents.Response, (request, response) => {
    metrics.call();
    if (response.status === 429) metrics.rateLimited();
    if (response.status < 400) return;
    metrics.error();
    if (response.status === 401) state.failed(badDiscordToken);
    if (response.status === 403) log.warn({ route: request.route }, `${deniedProblem(request.method, request.route).cause}. ${deniedProblem(request.method, request.route).fix}`);
  });
  client.on(Events.Error, (error) => log.error({ err: error }, "discord client error"));
  client.on(Events.Warn, (message) => log.warn({ detail: message }, "discord client warning"));

  /** Logs in and waits for READY, or for the gateway to refuse us for good. */
  async function connect(): Promise<void> {
    if (state.isStopped) return;
    let settle: (() => void) | undefined;
    try {
      const refused = new Promise<never>((_resolve, reject) => {
        const onDisconnect = (event: { code: number }) => reject(new GatewayClosed(event.code));
        client.once(Events.ShardDisconnect, onDisconnect);
        settle = () => client.off(Events.ShardDisconnect, onDisconnect);
      });
      const ready = once(client, Events.ClientReady);
      await Promise.race([client.login(config.token).then(() => ready), refused]);
      state.connected({ user: client.user?.tag, guilds: client.guilds.cache.size });
    } catch (error) {
      state.failed(describeDiscordFailure(error, apiUrl));
      state.retryLater(connect);
    } finally {
      settle?.();
    }
  }

  return {
    platform: "discord",
    messenger: new DiscordMessenger(client, log),
    routes: [],
    async start() {
      accepting = true;
      await connect();
    },
    health: () => state.health(),
    async stop() {
      accepting = false;
      state.stop();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await client.destroy();
    },
  };
}

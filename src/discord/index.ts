import { once } from "node:events";
import { Client, Events, GatewayIntentBits, Partials } from "discord.js";
import type { DiscordConfig } from "../config.ts";
import type { Coach } from "../core/coach.ts";
import type { Logger } from "../logger.ts";
import type { PlatformAdapter } from "../platforms.ts";
import type { HandlerContext } from "./context.ts";
import { catchUp } from "./handlers/events/catch-up.ts";
import { ThreadAnswers } from "./handlers/events/messages.ts";
import { routeInteraction } from "./handlers/index.ts";
import { DiscordMessenger } from "./messenger.ts";

export { commandDefinitions } from "./commands/index.ts";

/**
 * The Discord bot: gateway events in, engine calls, embeds and components out.
 * Everything the handlers start is tracked so stop() can wait for it.
 */
export function createDiscordAdapter(options: { config: DiscordConfig; coach: Coach; log: Logger }): PlatformAdapter {
  const { config, coach, log } = options;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    // Thread messages for threads not in the cache are dropped without Partials.Channel.
    partials: [Partials.Channel, Partials.Message],
    ...(config.apiUrl ? { rest: { api: config.apiUrl } } : {}),
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
  client.on(Events.Error, (error) => log.error({ err: error }, "discord client error"));
  client.on(Events.Warn, (message) => log.warn({ detail: message }, "discord client warning"));

  return {
    platform: "discord",
    messenger: new DiscordMessenger(client, log),
    routes: [],
    async start() {
      accepting = true;
      const ready = once(client, Events.ClientReady);
      await client.login(config.token);
      await ready;
      log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, "discord connected");
    },
    async stop() {
      accepting = false;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await client.destroy();
    },
  };
}

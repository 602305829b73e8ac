import { GatewayCloseCodes } from "discord.js";
import type { ConnectionProblem } from "../platform-connection.ts";

const tokenFix = "Reset the token on the Bot page of the Discord Developer Portal, set DISCORD_TOKEN and restart";

export const badDiscordToken: ConnectionProblem = { cause: "Discord rejected DISCORD_TOKEN (invalid or reset token)", fix: tokenFix, final: true };

/** The gateway closed for good with this code (discord.js will not reconnect). */
export class GatewayClosed extends Error {
  constructor(readonly closeCode: number) {
    super(`gateway closed with code ${closeCode}`);
  }
}

export function describeDiscordFailure(error: unknown, apiUrl: string): ConnectionProblem {
  if (error instanceof GatewayClosed) {
    switch (error.closeCode) {
      case GatewayCloseCodes.AuthenticationFailed:
        return badDiscordToken;
      case GatewayCloseCodes.DisallowedIntents:
        return {
          cause: "Discord refused the gateway connection: the Message Content intent is not enabled for this bot (close code 4014)",
          fix: "Turn on Message Content Intent under Bot > Privileged Gateway Intents in the Discord Developer Portal, then restart",
          final: true,
        };
      default:
        return { cause: `Discord closed the gateway connection for good (close code ${error.closeCode})`, fix: "See the Troubleshooting section of the README, then restart", final: true };
    }
  }
  const failure = error as { code?: unknown; status?: number; cause?: { code?: string }; message?: string };
  if (failure.code === "TokenInvalid" || failure.status === 401) return badDiscordToken;
  if (typeof failure.status === "number") return { cause: `Discord answered HTTP ${failure.status} at ${apiUrl}`, fix: "Discord may be having an outage (discordstatus.com); retrying every 30 s" };
  const detail = failure.cause?.code ?? (typeof failure.code === "string" ? failure.code : undefined) ?? failure.message ?? String(error);
  return { cause: `Cannot reach Discord at ${apiUrl} (${detail})`, fix: "Check the network, any proxy, and DISCORD_API_URL if set; retrying every 30 s" };
}

/** What a 403 from Discord's REST API means for the operator. */
export function deniedProblem(method: string, route: string): ConnectionProblem {
  return {
    cause: `Discord denied ${method} ${route} (403: missing access or permission)`,
    fix: "Give the bot's role View Channel, Send Messages, Embed Links, Create Public Threads, Send Messages in Threads, Read Message History and Add Reactions in that channel",
    transient: true,
  };
}

import { pathToFileURL } from "node:url";
import { REST, Routes, type RESTPutAPIApplicationCommandsResult } from "discord.js";
import { loadScriptConfig, type DiscordConfig } from "../config.ts";
import { commandDefinitions, subcommandKeys } from "./commands/index.ts";

export interface DeployedCommand {
  readonly name: string;
  readonly subcommands: readonly string[];
}

/**
 * Registers the slash commands from the same definitions the handlers serve: to one
 * guild when DISCORD_GUILD_ID is set (instant, for testing), else globally. A bulk
 * overwrite, so commands removed from the code disappear from Discord too.
 */
export async function deployCommands(config: DiscordConfig): Promise<{ scope: string; commands: DeployedCommand[] }> {
  const rest = new REST(config.apiUrl ? { api: config.apiUrl } : {}).setToken(config.token);
  const route = config.guildId ? Routes.applicationGuildCommands(config.applicationId, config.guildId) : Routes.applicationCommands(config.applicationId);
  const saved = (await rest.put(route, { body: commandDefinitions })) as RESTPutAPIApplicationCommandsResult;
  const registered = new Set(saved.map((c) => c.name));
  return {
    scope: config.guildId ? `guild ${config.guildId}` : "global (may take up to an hour to appear)",
    commands: commandDefinitions.filter((c) => registered.has(c.name)).map((c) => ({ name: c.name, subcommands: subcommandKeys(c) })),
  };
}

async function main(): Promise<void> {
  const config = loadScriptConfig();
  if (!config.discord) {
    console.error("Discord is not configured: set DISCORD_TOKEN and DISCORD_APPLICATION_ID.");
    process.exit(1);
  }
  const { scope, commands } = await deployCommands(config.discord);
  console.log(`Registered ${commands.length} commands (${scope}):`);
  for (const command of commands) console.log(`  /${command.name}${command.subcommands.length > 0 ? `: ${command.subcommands.join(", ")}` : ""}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error("Command registration failed:", error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

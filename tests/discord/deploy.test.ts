import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coachCommand, commandDefinitions, drillCommand, subcommandKeys } from "../../src/discord/commands/index.ts";
import { deployCommands } from "../../src/discord/deploy-commands.ts";
import { coachSubcommands } from "../../src/discord/handlers/commands/index.ts";
import { startFakeDiscord, type FakeDiscord, type Json } from "../fakes/discord/fake-discord.ts";
import { repoRoot } from "../support/process.ts";

/** Runs the script behind `npm run discord:deploy` with only the given environment. */
async function runDeployScript(env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/discord/deploy-commands.ts"], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

/** Subcommand keys ("setup", "admin add") of a command as Discord stored it. */
const storedKeys = (command: Json): string[] =>
  ((command.options as Json[] | undefined) ?? []).flatMap((o) =>
    o.type === 1 ? [String(o.name)] : o.type === 2 ? ((o.options as Json[]) ?? []).map((s) => `${String(o.name)} ${String(s.name)}`) : [],
  );

describe("npm run discord:deploy", () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    expect(fake.unknownCalls).toEqual([]);
    await fake.close();
  });

  it("registers to one guild exactly the commands and subcommands the handlers serve", async () => {
    const guild = fake.addGuild({ name: "Test" });
    const result = await deployCommands({ token: "fake-bot-token-0123456789", applicationId: fake.applicationId, apiUrl: fake.apiUrl, guildId: guild.id });
    expect(result.scope).toBe(`guild ${guild.id}`);

    const stored = fake.registeredCommands(guild.id);
    expect(stored.map((c) => c.name).sort()).toEqual(["coach", "drill"]);
    const coach = stored.find((c) => c.name === "coach")!;
    expect(storedKeys(coach).sort()).toEqual(Object.keys(coachSubcommands).sort());
    expect(storedKeys(stored.find((c) => c.name === "drill")!)).toEqual([]);
    // Visible to everyone: Manage Server is checked per subcommand at run time.
    expect(coach.default_member_permissions).toBeNull();
    expect(result.commands).toEqual([
      { name: "coach", subcommands: subcommandKeys(coachCommand) },
      { name: "drill", subcommands: subcommandKeys(drillCommand) },
    ]);
    expect(fake.registeredCommands()).toEqual([]);
  });

  it("registers globally without a guild id, and a second run overwrites instead of adding", async () => {
    const config = { token: "fake-bot-token-0123456789", applicationId: fake.applicationId, apiUrl: fake.apiUrl, guildId: undefined };
    await deployCommands(config);
    const first = fake.registeredCommands().map((c) => c.id);
    await deployCommands(config);
    expect(fake.registeredCommands().map((c) => c.id)).toEqual(first);
    expect(fake.registeredCommands()).toHaveLength(commandDefinitions.length);
    expect(fake.callsTo("PUT /applications/:app/commands")).toHaveLength(2);
  });

  it("offers autocomplete for tracks, zones and categories, and choices for periods", () => {
    const options = coachCommand.options.flatMap((o) => ("options" in o ? [...o.options] : []));
    const setup = coachCommand.options.find((o) => o.name === "setup")!;
    expect(setup.options.filter((o) => "autocomplete" in o && o.autocomplete).map((o) => o.name)).toEqual(["track", "zone"]);
    expect(drillCommand.options.every((o) => o.autocomplete)).toBe(true);
    expect(options.find((o) => o.name === "period")).toMatchObject({ choices: expect.arrayContaining([{ name: "All time", value: "all" }]) });
  });

  it("runs as a script from the environment, listing what it registered, and explains a missing configuration", async () => {
    const guild = fake.addGuild({ name: "Script" });
    const env = { DISCORD_TOKEN: "fake-bot-token-0123456789", DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl, DISCORD_GUILD_ID: guild.id };
    const deployed = await runDeployScript(env);
    expect(deployed.code).toBe(0);
    expect(deployed.output).toContain(`Registered 2 commands (guild ${guild.id}):`);
    expect(deployed.output).toContain(`/coach: ${subcommandKeys(coachCommand).join(", ")}`);
    expect(fake.registeredCommands(guild.id).map((c) => c.name).sort()).toEqual(["coach", "drill"]);
    expect(deployed.output).not.toContain(env.DISCORD_TOKEN);

    const unconfigured = await runDeployScript({});
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.output).toContain("Discord is not configured: set DISCORD_TOKEN and DISCORD_APPLICATION_ID.");
  });
});

import { ApplicationCommandOptionType } from "discord.js";
import type { CommandDefinition } from "./definition.ts";
import { coachCommand } from "./coach.ts";
import { drillCommand } from "./drill.ts";

export { coachCommand, manageServerSubcommands } from "./coach.ts";
export { drillCommand } from "./drill.ts";
export type { CommandDefinition } from "./definition.ts";

/** What `npm run discord:deploy` registers; the handlers serve exactly these. */
export const commandDefinitions: readonly CommandDefinition[] = [coachCommand, drillCommand];

type OptionsOf<T> = T extends { readonly options: readonly (infer O)[] } ? O : never;
type SubcommandKeys<O> = O extends { readonly type: ApplicationCommandOptionType.Subcommand; readonly name: infer N extends string }
  ? N
  : O extends { readonly type: ApplicationCommandOptionType.SubcommandGroup; readonly name: infer G extends string }
    ? `${G} ${Extract<OptionsOf<O>, { readonly type: ApplicationCommandOptionType.Subcommand }> extends { readonly name: infer N extends string } ? N : never}`
    : never;

/** "setup", "admin add", ...: derived from the definition so the handler map must cover each. */
export type CoachSubcommand = SubcommandKeys<OptionsOf<typeof coachCommand>>;

/** The same keys at run time, for the deploy test and the dispatcher. */
export function subcommandKeys(command: CommandDefinition): string[] {
  return (command.options ?? []).flatMap((option) => {
    if (option.type === ApplicationCommandOptionType.Subcommand) return [option.name];
    if (option.type === ApplicationCommandOptionType.SubcommandGroup) return (option.options ?? []).map((sub) => `${option.name} ${sub.name}`);
    return [];
  });
}

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

/** `[name]` for an optional option, `name` for a required one, as help shows them. */
const usageOf = (options: readonly { readonly name: string; readonly required?: boolean; readonly type: ApplicationCommandOptionType }[] | undefined) =>
  (options ?? [])
    .filter((o) => o.type !== ApplicationCommandOptionType.Subcommand && o.type !== ApplicationCommandOptionType.SubcommandGroup)
    .map((o) => (o.required ? o.name : `[${o.name}]`))
    .join(" ");

/** One help line per subcommand, generated from the definitions Discord itself shows. */
export function helpLines(command: CommandDefinition): string[] {
  const line = (path: string, description: string, usage: string) => `**/${[command.name, path].filter(Boolean).join(" ")}**${usage ? ` ${usage}` : ""}: ${description}`;
  const options = command.options ?? [];
  const hasSubcommands = options.some((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup);
  if (!hasSubcommands) return [line("", command.description, usageOf(options))];
  return options.flatMap((option) => {
    if (option.type === ApplicationCommandOptionType.Subcommand) return [line(option.name, option.description, usageOf(option.options))];
    if (option.type === ApplicationCommandOptionType.SubcommandGroup) {
      return (option.options ?? []).map((sub) => line(`${option.name} ${sub.name}`, sub.description, usageOf(sub.options)));
    }
    return [];
  });
}

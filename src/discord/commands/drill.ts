import { ApplicationCommandOptionType as Opt } from "discord.js";
import type { CommandDefinition } from "./definition.ts";

/** `/drill`: private practice outside the daily cycle; works in DMs too. */
export const drillCommand = {
  name: "drill",
  description: "Practise one question privately, with instant feedback",
  options: [
    { type: Opt.String, name: "track", description: "Default: this channel's cohort track", required: false, autocomplete: true },
    { type: Opt.String, name: "category", description: "Narrow to one category", required: false, autocomplete: true },
  ],
} as const satisfies CommandDefinition;

import type { Interaction } from "discord.js";
import { CoachingError } from "../../core/errors.ts";
import { manageServerSubcommands } from "../commands/index.ts";
import { isManageServer, runInteraction, type HandlerContext } from "../context.ts";
import { parseCustomId } from "../custom-ids.ts";
import { autocomplete } from "./autocomplete.ts";
import { coachSubcommands, drill } from "./commands/index.ts";
import { buttonHandlers, modalHandlers } from "./components/index.ts";

const lookup = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

const stale = () => new CoachingError("bad-arguments", "That control is from an older version of Cohort Coach. Use the latest message or command.");

/** Sends each interaction to its handler from the explicit registries. */
export async function routeInteraction(interaction: Interaction, ctx: HandlerContext): Promise<void> {
  if (interaction.isAutocomplete()) return autocomplete(interaction, ctx);
  await runInteraction(interaction, ctx, async () => {
    if (interaction.isChatInputCommand()) {
      if (interaction.commandName === "drill") return drill(interaction, ctx);
      if (interaction.commandName !== "coach") throw stale();
      const group = interaction.options.getSubcommandGroup(false);
      const key = group ? `${group} ${interaction.options.getSubcommand()}` : interaction.options.getSubcommand();
      const handler = lookup(coachSubcommands, key);
      if (!handler) throw stale();
      if (manageServerSubcommands.has(key) && !isManageServer(interaction)) {
        throw new CoachingError("not-an-admin", "This needs the Manage Server permission in this server. Ask a server admin to run it.");
      }
      return handler(interaction, ctx);
    }
    if (interaction.isButton()) {
      const parsed = parseCustomId(interaction.customId);
      const handler = parsed && lookup(buttonHandlers, parsed.kind);
      if (!parsed || !handler) throw stale();
      return handler(interaction, ctx, parsed.args);
    }
    if (interaction.isModalSubmit()) {
      const parsed = parseCustomId(interaction.customId);
      const handler = parsed && lookup(modalHandlers, parsed.kind);
      if (!parsed || !handler) throw stale();
      return handler(interaction, ctx, parsed.args);
    }
  });
}

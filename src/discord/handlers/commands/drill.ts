import type { ChatInputCommandInteraction } from "discord.js";
import { replyWith, actorOf, addressOf, type HandlerContext } from "../../context.ts";
import { drillQuestion } from "../../ui/drill.ts";

/** `/drill`: the track defaults to the cohort's when run in a cohort channel. */
export function drill(interaction: ChatInputCommandInteraction, { coach }: HandlerContext): Promise<void> {
  return replyWith(interaction, async () => {
    const cohort = interaction.guildId ? await coach.cohort(addressOf(interaction)) : undefined;
    const card = await coach.drill({
      userRef: actorOf(interaction).userRef,
      trackId: interaction.options.getString("track") ?? cohort?.trackId,
      category: interaction.options.getString("category") ?? undefined,
    });
    return drillQuestion(card);
  });
}

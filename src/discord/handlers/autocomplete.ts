import type { AutocompleteInteraction } from "discord.js";
import { currentZoneNames } from "../../core/cohorts/parse-settings.ts";
import type { HandlerContext } from "../context.ts";

const MAX_CHOICES = 25;
const zones = [...Intl.supportedValuesOf("timeZone").map((zone) => currentZoneNames.get(zone) ?? zone), "UTC"];

const matches = (query: string) => (text: string) => text.toLowerCase().includes(query.trim().toLowerCase());

/** Tracks, zones and categories as the member types; failures answer with no choices rather than an error. */
export async function autocomplete(interaction: AutocompleteInteraction, { coach, log }: HandlerContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const query = String(focused.value);
  let choices: { name: string; value: string }[] = [];
  try {
    if (focused.name === "zone") {
      choices = zones.filter(matches(query)).map((z) => ({ name: z, value: z }));
    } else if (focused.name === "track") {
      choices = (await coach.tracks()).map((t) => ({ name: `${t.id} (${t.company}, ${t.role})`.slice(0, 100), value: t.id })).filter((c) => matches(query)(c.name));
    } else if (focused.name === "category") {
      const trackId = interaction.options.getString("track")?.trim().toLowerCase();
      const tracks = (await coach.tracks()).filter((t) => !trackId || t.id === trackId);
      const seen = new Set<string>();
      for (const category of tracks.flatMap((t) => t.categories)) {
        if (seen.has(category.id)) continue;
        seen.add(category.id);
        choices.push({ name: `${category.label} (${category.id})`.slice(0, 100), value: category.id });
      }
      choices = choices.filter((c) => matches(query)(c.name));
    }
  } catch (error) {
    log.error({ err: error, option: focused.name }, "autocomplete failed");
  }
  await interaction.respond(choices.slice(0, MAX_CHOICES));
}

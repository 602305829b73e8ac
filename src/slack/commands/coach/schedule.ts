import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const schedule: CoachSubcommand = {
  name: "schedule",
  async run(ctx) {
    const args = ctx.rt.coach.parseSchedule(ctx.args);
    const result = await ctx.rt.coach.schedule(ctx.address, await ctx.actor(), args);
    return plain(`Schedule updated (track ${result.cohort.trackId}). ${result.schedule}.`);
  },
};

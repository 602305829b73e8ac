import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const schedule: CoachSubcommand = {
  name: "schedule", usage: "[track] [HH:MM] [Area/City] [days]", summary: "change the track, time, zone or days, in any order (cohort admins)",
  async run(ctx) {
    // Every argument is optional here; the track stays as it is unless one is named.
    const current = await ctx.rt.coach.requireCohort(ctx.address);
    const args = ctx.rt.coach.parseSchedule(ctx.args, current.trackId);
    const result = await ctx.rt.coach.schedule(ctx.address, await ctx.actor(), args);
    return plain(`Schedule updated (track ${result.cohort.trackId}). ${result.schedule}.`);
  },
};

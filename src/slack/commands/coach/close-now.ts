import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const closeNow: CoachSubcommand = {
  name: "close-now", usage: "", summary: "close reviews and post results now",
  async run(ctx) {
    const outcome = await ctx.rt.coach.closeNow(ctx.address, await ctx.actor());
    return plain(outcome === "done" ? "Reviews are closed; results are in the thread and feedback went out by DM." : "The latest question was already closed.");
  },
};

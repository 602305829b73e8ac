import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const postNow: CoachSubcommand = {
  name: "post-now", usage: "", summary: "post today's question now",
  async run(ctx) {
    const outcome = await ctx.rt.coach.postNow(ctx.address, await ctx.actor());
    return plain(outcome === "done" ? "Today's question is posted." : "Today's question was already posted.");
  },
};

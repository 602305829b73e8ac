import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const openReviews: CoachSubcommand = {
  name: "open-reviews", usage: "", summary: "close answers and send reviews now",
  async run(ctx) {
    const outcome = await ctx.rt.coach.openReviews(ctx.address, await ctx.actor());
    return plain(outcome === "done" ? "Answers are closed and reviews are out." : "Reviews were already open for the latest question.");
  },
};

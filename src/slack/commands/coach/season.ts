import { CoachingError } from "../../../core/errors.ts";
import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const season: CoachSubcommand = {
  name: "season", usage: "new", summary: "start a new season (points restart)",
  async run(ctx) {
    if (ctx.args[0] !== "new") throw new CoachingError("bad-arguments", "Use `/coach season new` to start a new season.");
    const number = await ctx.rt.coach.newSeason(ctx.address, await ctx.actor());
    return plain(`Season ${number} has started; season points start from zero. All-time points are kept.`);
  },
};

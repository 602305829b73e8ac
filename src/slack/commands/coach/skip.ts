import { CoachingError } from "../../../core/errors.ts";
import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const skip: CoachSubcommand = {
  name: "skip", usage: "YYYY-MM-DD", summary: "no question on that date",
  async run(ctx) {
    const date = ctx.args[0];
    if (!date) throw new CoachingError("bad-arguments", "Say which date to skip, for example: /coach skip 2026-12-24");
    return plain(`No question on ${date}. ${await ctx.rt.coach.skip(ctx.address, await ctx.actor(), date)}.`);
  },
};

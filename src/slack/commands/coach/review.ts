import { CoachingError } from "../../../core/errors.ts";
import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const review: CoachSubcommand = {
  name: "review", usage: "on|off", summary: "review answers even on days you do not answer",
  async run(ctx) {
    const choice = ctx.args[0]?.toLowerCase();
    if (choice !== "on" && choice !== "off") throw new CoachingError("bad-arguments", "Use `/coach review on` or `/coach review off`.");
    await ctx.rt.coach.reviewOptIn(ctx.address, await ctx.actor(), choice === "on");
    return plain(choice === "on" ? "You will get answers to review even on days you do not answer." : "You will only review on days you answer.");
  },
};

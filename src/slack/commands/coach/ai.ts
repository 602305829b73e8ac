import { CoachingError } from "../../../core/errors.ts";
import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const ai: CoachSubcommand = {
  name: "ai",
  usage: "on|off",
  summary: "the AI reviewer, which scores answers apart from peers and is calibrated by them (cohort admins)",
  async run(ctx) {
    const choice = ctx.args[0]?.toLowerCase();
    if (choice !== "on" && choice !== "off") throw new CoachingError("bad-arguments", "Use `/coach ai on` or `/coach ai off`.");
    return plain(await ctx.rt.coach.ai(ctx.address, await ctx.actor(), choice === "on"));
  },
};

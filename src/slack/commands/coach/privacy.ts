import { CoachingError } from "../../../core/errors.ts";
import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

const PRIVACY_ON = "Your name stays out of the results: if your answer is among the top, it is listed without your name.";
const PRIVACY_OFF = "The results may name you when your answer is among the top ones.";

export const privacy: CoachSubcommand = {
  name: "privacy", usage: "on|off", summary: "on: results list your top answer without your name",
  async run(ctx) {
    const choice = ctx.args[0]?.toLowerCase();
    if (choice !== "on" && choice !== "off") throw new CoachingError("bad-arguments", "Use `/coach privacy on` or `/coach privacy off`.");
    await ctx.rt.coach.showInResults(ctx.address, await ctx.actor(), choice === "off");
    return plain(choice === "on" ? PRIVACY_ON : PRIVACY_OFF);
  },
};

import { CoachingError } from "../../../core/errors.ts";
import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

export const reminders: CoachSubcommand = {
  name: "reminders",
  usage: "on|off",
  summary: "the one-hour answer reminder and the reviewer reminder (cohort admins)",
  async run(ctx) {
    const choice = ctx.args[0]?.toLowerCase();
    if (choice !== "on" && choice !== "off") throw new CoachingError("bad-arguments", "Use `/coach reminders on` or `/coach reminders off`.");
    await ctx.rt.coach.reminders(ctx.address, await ctx.actor(), choice === "on");
    return plain(choice === "on" ? "Reminders on: an hour before answers close, and two hours before reviews close." : "Reminders off: no reminder posts or DMs for this cohort.");
  },
};

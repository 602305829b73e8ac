import { CoachingError } from "../../../core/errors.ts";
import { plain } from "../../blocks/text.ts";
import { parseMention, userRef } from "../../refs.ts";
import type { CoachSubcommand } from "../types.ts";

const USAGE = "Use `/coach admin add @user` or `/coach admin remove @user`.";

export const admin: CoachSubcommand = {
  name: "admin", usage: "add|remove @user", summary: "manage cohort admins",
  async run(ctx) {
    const [verb, who] = ctx.args;
    const userId = parseMention(who);
    if ((verb !== "add" && verb !== "remove") || !userId) throw new CoachingError("bad-arguments", USAGE);
    const ref = userRef(ctx.teamId, userId);
    if (verb === "add") {
      await ctx.rt.coach.addAdmin(ctx.address, await ctx.actor(), ref);
      return plain(`<@${userId}> is now an admin of this cohort.`);
    }
    await ctx.rt.coach.removeAdmin(ctx.address, await ctx.actor(), ref);
    return plain(`<@${userId}> is no longer an admin of this cohort.`);
  },
};

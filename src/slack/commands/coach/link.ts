import { plain } from "../../blocks/text.ts";
import { userRef } from "../../refs.ts";
import type { CoachSubcommand } from "../types.ts";

/** `/coach link` shows your link to the cohort pages; `/coach link rotate` (admins) replaces every link. */
export const link: CoachSubcommand = {
  name: "link",
  usage: "[rotate]",
  summary: "your link to the cohort's web page; rotate (admins) replaces every link",
  async run(ctx) {
    if (ctx.args[0] === "rotate") {
      const { url } = await ctx.rt.coach.rotateCohortLink(ctx.address, await ctx.actor());
      return plain(`Every earlier link to this cohort's pages now stops working. Yours: ${url}`);
    }
    const { url } = await ctx.rt.coach.cohortLink(ctx.address, { userRef: userRef(ctx.teamId, ctx.userId) });
    return plain(`Your link to this cohort's pages (leaderboards, charts, question history; keep it within the cohort): ${url}`);
  },
};

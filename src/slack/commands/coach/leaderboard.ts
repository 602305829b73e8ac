import { parsePeriod } from "../../../core/points/leaderboard.ts";
import { leaderboardReply } from "../../blocks/replies.ts";
import { userRef } from "../../refs.ts";
import type { CoachSubcommand } from "../types.ts";

export const leaderboard: CoachSubcommand = {
  name: "leaderboard", usage: "[week|month|season|all]", summary: "points and quality rankings, with your link to the cohort's page",
  async run(ctx) {
    const viewer = userRef(ctx.teamId, ctx.userId);
    const board = await ctx.rt.coach.leaderboard(ctx.address, viewer, parsePeriod(ctx.args[0]));
    return leaderboardReply(board, (await ctx.rt.coach.cohortLink(ctx.address, { userRef: viewer })).url);
  },
};

import { parsePeriod } from "../../../core/points/leaderboard.ts";
import { leaderboardReply } from "../../blocks/replies.ts";
import { userRef } from "../../refs.ts";
import type { CoachSubcommand } from "../types.ts";

export const leaderboard: CoachSubcommand = {
  name: "leaderboard", usage: "[week|month|season|all]", summary: "points and quality rankings",
  async run(ctx) {
    const board = await ctx.rt.coach.leaderboard(ctx.address, userRef(ctx.teamId, ctx.userId), parsePeriod(ctx.args[0]));
    return leaderboardReply(board);
  },
};

import { parsePeriod } from "../../core/points/leaderboard.ts";
import { leaderboardBlocks } from "../blocks/replies.ts";
import { context, plain } from "../blocks/text.ts";
import { ActionIds } from "../ids.ts";
import { storedNotices } from "../stored-notices.ts";
import { showStored } from "../../stored-not-shown.ts";
import { cohortAddress, userRef } from "../refs.ts";
import { replaceWith, teamOf, type ActionHandler } from "./types.ts";

/** Posts the leaderboard the member was looking at to the channel, credited to them. */
export const leaderboardShare: ActionHandler = {
  actionId: ActionIds.leaderboardShare,
  async run(args, rt) {
    const teamId = teamOf(args);
    const channel = args.body.channel?.id ?? args.body.container?.channel_id;
    if (!channel) throw new Error("leaderboard share without a channel");
    const board = await rt.coach.leaderboard(cohortAddress(teamId, channel), userRef(teamId, args.body.user.id), parsePeriod(args.action.value));
    await rt.post({ channel, text: `Leaderboard: ${board.label}`, blocks: [...leaderboardBlocks(board, "names"), context(`Shared by <@${args.body.user.id}>`)] });
    await showStored(storedNotices.share, () => replaceWith(args.respond, plain("Shared to the channel.")));
  },
};

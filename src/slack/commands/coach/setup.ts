import { plain, type Reply } from "../../blocks/text.ts";
import { slackErrorCode } from "../../runtime.ts";
import type { CoachSubcommand, CommandContext } from "../types.ts";

const INVITE = "I am not in this channel yet. Invite me with `/invite @Cohort Coach`, then run `/coach setup` again.";

/** The bot must be a member to post; asking now beats a silent failure at 09:00 tomorrow. */
export async function requireMembership(ctx: CommandContext): Promise<Reply | undefined> {
  try {
    const info = await ctx.rt.client.conversations.info({ channel: ctx.channelId });
    return info.channel?.is_member === false ? plain(INVITE) : undefined;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === "not_in_channel" || code === "channel_not_found") return plain(INVITE);
    throw error;
  }
}

export const setup: CoachSubcommand = {
  name: "setup", usage: "<track> [HH:MM] [Area/City] [days]", summary: "make this channel a cohort (workspace admins); days: mon-fri, mon,wed,fri, daily or weekends",
  async run(ctx) {
    const args = ctx.rt.coach.parseSchedule(ctx.args);
    const actor = await ctx.actor();
    const invite = await requireMembership(ctx);
    if (invite) return invite;
    const result = await ctx.rt.coach.setup(ctx.address, actor, args);
    return plain(`${result.created ? "This channel is now a cohort" : "Cohort updated"} (track ${result.cohort.trackId}). ${result.schedule}.`);
  },
};

import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

/** The CSV goes to the admin's DM, never the channel: it holds every member's answers. */
export const exportCsv: CoachSubcommand = {
  name: "export",
  async run(ctx) {
    const { filename, csv } = await ctx.rt.coach.export(ctx.address, await ctx.actor());
    const dm = await ctx.rt.client.conversations.open({ users: ctx.userId });
    const channel = dm.channel?.id;
    if (!channel) throw new Error("conversations.open returned no DM channel");
    await ctx.rt.client.filesUploadV2({ channel_id: channel, filename, title: filename, content: csv, initial_comment: "Your cohort export (answers, scores and points)." });
    return plain(`Export sent to you privately: ${filename}.`);
  },
};

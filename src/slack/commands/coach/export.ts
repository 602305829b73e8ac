import { plain } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";

/** The CSVs go to the admin's DM, never the channel: they hold every member's answers. */
export const exportCsv: CoachSubcommand = {
  name: "export", usage: "", summary: "two CSVs (answers with scores, points), sent to you privately",
  async run(ctx) {
    const { files } = await ctx.rt.coach.export(ctx.address, await ctx.actor());
    const dm = await ctx.rt.client.conversations.open({ users: ctx.userId });
    const channel = dm.channel?.id;
    if (!channel) throw new Error("conversations.open returned no DM channel");
    await ctx.rt.client.filesUploadV2({
      channel_id: channel,
      file_uploads: files.map((file) => ({ filename: file.filename, title: file.filename, content: file.content })),
      initial_comment: "Your cohort export: one row per answer with its scores, and the points ledger.",
    });
    return plain(`Export sent to you privately: ${files.map((f) => f.filename).join(" and ")}.`);
  },
};

import { AttachmentBuilder } from "discord.js";
import { actorOf, addressOf, replyWith, type SubcommandHandler } from "../../context.ts";

/** The CSVs go only to the admin who asked, as ephemeral attachments. */
export const exportCsv: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const { files } = await coach.export(addressOf(interaction), actorOf(interaction));
    return {
      content: "Here is the cohort's export: one row per answer with its scores, and the points ledger.",
      files: files.map((file) => new AttachmentBuilder(Buffer.from(file.content, "utf8"), { name: file.filename })),
    };
  });

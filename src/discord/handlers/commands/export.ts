import { AttachmentBuilder } from "discord.js";
import { actorOf, addressOf, replyWith, type SubcommandHandler } from "../../context.ts";

/** The CSV goes only to the admin who asked, as an ephemeral attachment. */
export const exportCsv: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const { filename, csv } = await coach.export(addressOf(interaction), actorOf(interaction));
    return { content: "Here is the cohort's export: one record per line, typed by its first column.", files: [new AttachmentBuilder(Buffer.from(csv, "utf8"), { name: filename })] };
  });

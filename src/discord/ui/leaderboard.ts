import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type BaseMessageOptions } from "discord.js";
import type { Leaderboard, LeaderboardRow } from "../../core/points/leaderboard.ts";
import { customIds } from "../custom-ids.ts";
import { clip, limits } from "./text.ts";

const row = (r: LeaderboardRow) => `**${r.rank}.** ${r.displayName}: ${r.points} pts`;

/** Private by default (`forViewer`), with a Share button that posts the viewer-neutral version. */
export function leaderboardMessage(board: Leaderboard, forViewer: boolean, pageUrl?: string): BaseMessageOptions {
  const embed = new EmbedBuilder()
    .setTitle(`Leaderboard: ${board.label}`)
    .setDescription(board.top.length > 0 ? clip(board.top.map(row).join("\n"), limits.description) : "No points yet. Answer today's question to get on the board.");
  if (forViewer && board.around.length > 0) embed.addFields({ name: "Around you", value: clip(board.around.map(row).join("\n"), limits.fieldValue) });
  if (forViewer) embed.addFields({ name: "You", value: board.me ? `Rank ${board.me.rank}, ${board.me.points} pts` : "Not on the board yet" });
  if (board.quality.length > 0) {
    embed.addFields({
      name: "Answer quality",
      value: clip(board.quality.map((q) => `**${q.rank}.** ${q.displayName}: ${q.score.toFixed(2)} (${q.answers} answer${q.answers === 1 ? "" : "s"})`).join("\n"), limits.fieldValue),
    });
  }
  if (forViewer && pageUrl) embed.addFields({ name: "Cohort page", value: `[Charts, participation and question history](${pageUrl}) (your private link)` });
  const components = forViewer
    ? [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(customIds.share(board.period)).setLabel("Share to channel").setStyle(ButtonStyle.Secondary))]
    : [];
  return { embeds: [embed], components, allowedMentions: { parse: [] } };
}

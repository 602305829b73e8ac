import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, MessageFlags } from "discord.js";
import { coachCommand, drillCommand, helpLines } from "../../commands/index.ts";
import { parsePeriod } from "../../../core/points/leaderboard.ts";
import { actorOf, addressOf, replyWith, type SubcommandHandler } from "../../context.ts";
import { storedNotices } from "../../stored-notices.ts";
import { customIds } from "../../custom-ids.ts";
import { leaderboardMessage } from "../../ui/leaderboard.ts";
import { clip, limits } from "../../ui/text.ts";

export const leaderboard: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const viewer = actorOf(interaction).userRef;
    const board = await coach.leaderboard(addressOf(interaction), viewer, parsePeriod(interaction.options.getString("period") ?? undefined));
    return leaderboardMessage(board, true, (await coach.cohortLink(addressOf(interaction), { userRef: viewer })).url);
  });

export const linkShow: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => ({
    content: `Your link to this cohort's page (leaderboards, charts, question history; keep it within the cohort): ${(await coach.cohortLink(addressOf(interaction), actorOf(interaction))).url}`,
  }));

export const linkRotate: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => ({
    content: `Every earlier link to this cohort's page now stops working. Yours: ${(await coach.rotateCohortLink(addressOf(interaction), actorOf(interaction))).url}`,
  }), { stored: storedNotices.linkRotate });

export const me: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const stats = await coach.me(addressOf(interaction), actorOf(interaction));
    const embed = new EmbedBuilder().setTitle("Your progress").addFields(
      { name: "Points", value: `${stats.points.season} this season, ${stats.points.all} all time`, inline: true },
      { name: "Streak", value: `${stats.streak} day${stats.streak === 1 ? "" : "s"}`, inline: true },
      { name: "Activity", value: `${stats.answers} answers, ${stats.reviewsDone} reviews`, inline: true },
      {
        name: "By criterion (weakest first)",
        value: stats.criteria.length > 0 ? clip(stats.criteria.map((c) => `${c.label}: ${c.average.toFixed(2)} over ${c.answers}`).join("\n"), limits.fieldValue) : "No scored answers yet.",
      },
      { name: "Peer reviewing", value: stats.reviewOptIn ? "On" : "Off (turn on with /coach review on)" },
    );
    return { embeds: [embed] };
  });

export const tracks: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const all = await coach.tracks();
    const lines = all.map((t) => `**${t.id}**: ${t.company}, ${t.role} (${t.questions.length} questions)`);
    return { embeds: [new EmbedBuilder().setTitle("Question tracks").setDescription(clip(lines.join("\n") || "No tracks are loaded.", limits.description))] };
  });

export const review: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const on = interaction.options.getString("state", true) === "on";
    await coach.reviewOptIn(addressOf(interaction), actorOf(interaction), on);
    return { content: on ? "You will be assigned answers to review when reviews open." : "You will not be assigned reviews. Turn it back on any time." };
  }, { stored: storedNotices.command });

export const privacy: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const on = interaction.options.getString("state", true) === "on";
    await coach.showInResults(addressOf(interaction), actorOf(interaction), !on);
    return {
      content: on
        ? "Your name stays out of the results: if your answer is among the top, it is listed without your name."
        : "The results may name you when your answer is among the top ones.",
    };
  }, { stored: storedNotices.command });

/** Nothing is deleted until the member confirms; the confirm click is checked against its own presser. */
export const forgetMe: SubcommandHandler = async (interaction) => {
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customIds.forget("confirm")).setLabel("Delete my data").setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId(customIds.forget("cancel")).setLabel("Cancel").setStyle(ButtonStyle.Secondary),
  );
  await interaction.reply({
    content: "This deletes your answers, reviews, comments, drills and points in every cohort, and cannot be undone. Continue?",
    components: [row],
    flags: MessageFlags.Ephemeral,
  });
};

export const help: SubcommandHandler = async (interaction) => {
  const lines = [
    ...helpLines(coachCommand),
    ...helpLines(drillCommand),
    "",
    "Answer the daily question with its **Answer** button or by replying in its thread.",
  ];
  await interaction.reply({ embeds: [new EmbedBuilder().setTitle("Cohort Coach").setDescription(lines.join("\n"))], flags: MessageFlags.Ephemeral });
};

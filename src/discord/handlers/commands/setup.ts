import { PermissionFlagsBits, type ChatInputCommandInteraction } from "discord.js";
import type { Coach } from "../../../core/coach.ts";
import { parseTime, parseTimeZone, parseWeekdays, type ScheduleArgs } from "../../../core/cohorts/parse-settings.ts";
import type { CohortAddress } from "../../../core/cohorts/types.ts";
import { CoachingError } from "../../../core/errors.ts";
import { actorOf, addressOf, replyWith, type SubcommandHandler } from "../../context.ts";
import { storedNotices } from "../../stored-notices.ts";

/** The seven permissions the README's invite link grants, each needed for part of the daily loop. */
const needed = [
  [PermissionFlagsBits.ViewChannel, "View Channel"],
  [PermissionFlagsBits.SendMessages, "Send Messages"],
  [PermissionFlagsBits.EmbedLinks, "Embed Links"],
  [PermissionFlagsBits.CreatePublicThreads, "Create Public Threads"],
  [PermissionFlagsBits.SendMessagesInThreads, "Send Messages in Threads"],
  [PermissionFlagsBits.ReadMessageHistory, "Read Message History"],
  [PermissionFlagsBits.AddReactions, "Add Reactions"],
] as const;

function requireBotPermissions(interaction: ChatInputCommandInteraction): void {
  const missing = needed.filter(([flag]) => !interaction.appPermissions.has(flag)).map(([, name]) => name);
  if (missing.length > 0) {
    throw new CoachingError("bad-arguments", `I cannot run a cohort here yet: I am missing ${missing.join(", ")} in this channel. Ask a server admin to grant them, then run setup again.`);
  }
}

async function scheduleArgs(interaction: ChatInputCommandInteraction, coach: Coach, address: CohortAddress): Promise<ScheduleArgs> {
  const track = interaction.options.getString("track") ?? (await coach.requireCohort(address)).trackId;
  const time = interaction.options.getString("time");
  const zone = interaction.options.getString("zone");
  const days = interaction.options.getString("days");
  return {
    trackId: track.trim().toLowerCase(),
    postTime: time ? parseTime(time) : undefined,
    timeZone: zone ? parseTimeZone(zone) : undefined,
    weekdays: days ? parseWeekdays(days) : undefined,
  };
}

export const setup: SubcommandHandler = (interaction, { coach }) => {
  requireBotPermissions(interaction);
  return replyWith(interaction, async () => {
    const address = addressOf(interaction);
    const result = await coach.setup(address, actorOf(interaction), await scheduleArgs(interaction, coach, address));
    const lead = result.created ? `This channel is now a **${result.cohort.trackId}** cohort.` : `Updated: track **${result.cohort.trackId}**.`;
    return { content: `${lead} ${result.schedule}.` };
  }, { stored: storedNotices.command });
};

export const schedule: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const address = addressOf(interaction);
    const result = await coach.schedule(address, actorOf(interaction), await scheduleArgs(interaction, coach, address));
    return { content: `Schedule saved for track **${result.cohort.trackId}**: ${result.schedule}.` };
  }, { stored: storedNotices.command });

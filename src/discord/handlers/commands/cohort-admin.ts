import { actorOf, addressOf, replyWith, type SubcommandHandler } from "../../context.ts";
import { storedNotices } from "../../stored-notices.ts";
import { userRef } from "../../refs.ts";

/** Small admin verbs whose whole job is one engine call and a sentence. */

export const pause: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => ({ content: `Paused. ${await coach.pause(addressOf(interaction), actorOf(interaction))}.` }), { stored: storedNotices.command });

export const resume: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => ({ content: `Resumed. ${await coach.resume(addressOf(interaction), actorOf(interaction))}.` }), { stored: storedNotices.command });

export const reminders: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const on = interaction.options.getString("state", true) === "on";
    await coach.reminders(addressOf(interaction), actorOf(interaction), on);
    return { content: on ? "Reminders on: an hour before answers close, and two hours before reviews close." : "Reminders off: no reminder posts or DMs for this cohort." };
  }, { stored: storedNotices.command });

export const ai: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => ({ content: await coach.ai(addressOf(interaction), actorOf(interaction), interaction.options.getString("state", true) === "on") }), { stored: storedNotices.command });

export const skip: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const date = interaction.options.getString("date", true);
    return { content: `Skipping ${date}. ${await coach.skip(addressOf(interaction), actorOf(interaction), date)}.` };
  }, { stored: storedNotices.command });

export const adminAdd: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const user = interaction.options.getUser("user", true);
    await coach.addAdmin(addressOf(interaction), actorOf(interaction), userRef(user.id));
    return { content: `<@${user.id}> is now an admin of this cohort.`, allowedMentions: { parse: [] } };
  }, { stored: storedNotices.command });

export const adminRemove: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const user = interaction.options.getUser("user", true);
    await coach.removeAdmin(addressOf(interaction), actorOf(interaction), userRef(user.id));
    return { content: `<@${user.id}> is no longer an admin of this cohort.`, allowedMentions: { parse: [] } };
  }, { stored: storedNotices.command });

export const seasonNew: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => ({ content: `Season ${await coach.newSeason(addressOf(interaction), actorOf(interaction))} has started; season points start from zero.` }), { stored: storedNotices.command });

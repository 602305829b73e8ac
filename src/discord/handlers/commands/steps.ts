import { actorOf, addressOf, replyWith, type SubcommandHandler } from "../../context.ts";
import { storedNotices } from "../../stored-notices.ts";

/** Manual runs of the day's steps; the engine claims each step once, so repeats say so. */

export const postNow: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const outcome = await coach.postNow(addressOf(interaction), actorOf(interaction));
    return { content: outcome === "done" ? "Posted today's question, with a thread for answers." : "Today's question is already posted." };
  }, { stored: storedNotices.command });

export const openReviews: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const outcome = await coach.openReviews(addressOf(interaction), actorOf(interaction));
    return { content: outcome === "done" ? "Answers are closed and reviews are open in the thread." : "Reviews were already opened for the latest question." };
  }, { stored: storedNotices.command });

export const closeNow: SubcommandHandler = (interaction, { coach }) =>
  replyWith(interaction, async () => {
    const outcome = await coach.closeNow(addressOf(interaction), actorOf(interaction));
    return { content: outcome === "done" ? "Reviews are closed; results are in the thread and feedback went to each author." : "The latest question was already closed." };
  }, { stored: storedNotices.command });

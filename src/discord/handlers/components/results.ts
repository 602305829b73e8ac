import { parsePeriod } from "../../../core/points/leaderboard.ts";
import { actorOf, addressOf, replyWith, updateWith, type ButtonHandler } from "../../context.ts";
import { storedNotices } from "../../stored-notices.ts";
import { feedbackEmbed } from "../../ui/feedback.ts";
import { leaderboardMessage } from "../../ui/leaderboard.ts";
import { numericArg } from "./answer.ts";

/** "My feedback" on the results post: each presser sees only their own. */
export const feedbackButton: ButtonHandler = (interaction, { coach }, [promptId]) =>
  replyWith(interaction, async () => ({ embeds: [feedbackEmbed(await coach.feedback(numericArg(promptId), actorOf(interaction).userRef))] }));

/** Posts the viewer-neutral leaderboard to the channel for everyone. */
export const shareButton: ButtonHandler = (interaction, { coach }, [period]) =>
  replyWith(
    interaction,
    async () => {
      const board = await coach.leaderboard(addressOf(interaction), actorOf(interaction).userRef, parsePeriod(period));
      return { ...leaderboardMessage(board, false), content: `Shared by <@${interaction.user.id}>` };
    },
    { visibility: "public" },
  );

export const forgetButton: ButtonHandler = (interaction, { coach }, [choice]) =>
  updateWith(
    interaction,
    async () => {
      if (choice !== "confirm") return { content: "Nothing was deleted.", components: [] };
      const { answers, reviews } = await coach.forgetMe({ userRef: actorOf(interaction).userRef });
      return { content: `Done: ${answers} answers and ${reviews} reviews deleted, with your drills and points.`, components: [] };
    },
    choice === "confirm" ? { stored: storedNotices.forgetMe } : {},
  );

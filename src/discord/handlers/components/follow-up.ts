import { actorOf, replyWith, updateWith, type ButtonHandler, type ModalHandler } from "../../context.ts";
import { storedNotices } from "../../stored-notices.ts";
import { customIds } from "../../custom-ids.ts";
import { drillRatingMessage } from "../../ui/drill-follow-up.ts";
import { followUpReceiptEmbed } from "../../ui/follow-ups.ts";
import { answerModal, numericArg } from "./answer.ts";

const TITLE = "Interviewer follow-up";

/** Opens the follow-up form, prefilled with any earlier answer; the engine refuses anyone but the author. */
export const followUpButton: ButtonHandler = async (interaction, { coach }, [answerId]) => {
  const id = numericArg(answerId);
  const followUp = await coach.followUp(id, actorOf(interaction).userRef);
  await interaction.showModal(answerModal(customIds.followUpModal(id), TITLE, followUp.answer));
};

export const followUpSubmit: ModalHandler = (interaction, { coach }, [answerId]) =>
  replyWith(interaction, async () => {
    const receipt = await coach.answerFollowUp({ answerId: numericArg(answerId), userRef: actorOf(interaction).userRef, text: interaction.fields.getTextInputValue("answer") });
    return { embeds: [followUpReceiptEmbed(receipt)] };
  }, { stored: storedNotices.followUp });

export const drillFollowUpButton: ButtonHandler = (interaction, _ctx, [attemptId]) => interaction.showModal(answerModal(customIds.drillFollowUpModal(numericArg(attemptId)), TITLE));

/** The drill card becomes the self-rating step, showing the checked follow-up answer above the rating rows. */
export const drillFollowUpSubmit: ModalHandler = (interaction, { coach }, [attemptId]) =>
  updateWith(interaction, async () =>
    drillRatingMessage(await coach.answerDrillFollowUp({ attemptId: numericArg(attemptId), userRef: actorOf(interaction).userRef, text: interaction.fields.getTextInputValue("answer") })),
    { stored: storedNotices.drillFollowUp },
  );

export const drillSkipButton: ButtonHandler = (interaction, { coach }, [attemptId]) =>
  updateWith(interaction, async () => drillRatingMessage(await coach.drillRatingStep(numericArg(attemptId), actorOf(interaction).userRef)));

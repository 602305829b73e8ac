import { formatLocal } from "../../../core/cohorts/schedule.ts";
import { CoachingError } from "../../../core/errors.ts";
import { actorOf, addressOf, updateWith, type ButtonHandler, type ModalHandler } from "../../context.ts";
import { storedNotices } from "../../stored-notices.ts";
import { customIds } from "../../custom-ids.ts";
import { drillFeedback, ratingRows } from "../../ui/drill.ts";
import { answerModal, numericArg } from "./answer.ts";

const RATINGS = /^[0-5]{1,4}$/;

function ratingsArg(value: string | undefined): string {
  if (!value || !RATINGS.test(value)) throw new CoachingError("bad-score", "That rating button is not one of ours any more. Start a new drill with /drill.");
  return value;
}

export const drillAnswerButton: ButtonHandler = (interaction, _ctx, [attemptId]) =>
  interaction.showModal(answerModal(customIds.drillModal(numericArg(attemptId)), "Your drill answer"));

export const drillAnswerSubmit: ModalHandler = (interaction, { coach }, [attemptId]) =>
  updateWith(interaction, async () =>
    drillFeedback(await coach.answerDrill({ attemptId: numericArg(attemptId), userRef: actorOf(interaction).userRef, text: interaction.fields.getTextInputValue("answer") })),
    { stored: storedNotices.drillAnswer },
  );

/** A self-rating click changes only the ephemeral message's own state; nothing is stored until Save. */
export const drillRateButton: ButtonHandler = async (interaction, _ctx, [attemptId, ratings, index, score]) => {
  const current = ratingsArg(ratings);
  const i = numericArg(index);
  const s = numericArg(score);
  if (i >= current.length || s < 1 || s > 5) throw new CoachingError("bad-score", "Ratings go from 1 to 5.");
  const next = `${current.slice(0, i)}${s}${current.slice(i + 1)}`;
  await interaction.update({ components: ratingRows(numericArg(attemptId), next) });
};

export const drillSaveButton: ButtonHandler = (interaction, { coach }, [attemptId, ratings]) =>
  updateWith(interaction, async () => {
    const id = numericArg(attemptId);
    const userRef = actorOf(interaction).userRef;
    const criteria = await coach.drillCriteria(id, userRef);
    const digits = ratingsArg(ratings);
    const cohort = interaction.guildId ? await coach.cohort(addressOf(interaction)) : undefined;
    const outcome = await coach.rateDrill({
      attemptId: id,
      userRef,
      ratings: Object.fromEntries(criteria.map((criterionId, i) => [criterionId, Number(digits[i] ?? 0)])),
      cohortId: cohort?.id,
      season: cohort?.season,
    });
    const zone = cohort?.timeZone ?? "UTC";
    const points = outcome.pointsAwarded > 0 ? ` +${outcome.pointsAwarded} points.` : "";
    const ai = outcome.aiReviewer ? ` The AI reviewer (${outcome.aiReviewer}) is scoring your answer too; its view comes by DM when ready.` : "";
    return { content: `Rating saved. This question comes back around ${formatLocal(outcome.nextDueAt, zone)} (${zone}).${points}${ai}`, components: [] };
  }, { stored: storedNotices.drillRating });

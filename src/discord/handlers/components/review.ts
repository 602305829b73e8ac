import { ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from "discord.js";
import { MAX_COMMENT_LENGTH } from "../../../core/reviews/score-review.ts";
import { actorOf, replyWith, updateWith, type ButtonHandler, type ModalHandler } from "../../context.ts";
import { storedNotices } from "../../stored-notices.ts";
import { customIds } from "../../custom-ids.ts";
import { reviewCardMessage, reviewsDone, submittedNote } from "../../ui/review-card.ts";
import { numericArg } from "./answer.ts";

/** The thread's Review button: the presser's next assignment, privately. */
export const reviewButton: ButtonHandler = (interaction, { coach }, [promptId]) =>
  replyWith(interaction, async () => {
    const next = await coach.nextReview(numericArg(promptId), actorOf(interaction).userRef);
    return next.card ? reviewCardMessage(next.card, next) : reviewsDone(next.total);
  });

/** A 1-5 click: the engine refuses anyone but the assigned reviewer, whatever the id says. */
export const scoreButton: ButtonHandler = (interaction, { coach }, [assignmentId, criterionId, score]) =>
  updateWith(interaction, async () => {
    const card = await coach.score({
      assignmentId: numericArg(assignmentId),
      reviewerRef: actorOf(interaction).userRef,
      criterionId: criterionId ?? "",
      score: numericArg(score),
      // The interaction id is a snowflake holding Discord's own receipt time: it orders clicks across replicas.
      actionAt: interaction.createdAt,
    });
    return reviewCardMessage(card);
  }, { stored: storedNotices.score });

export const submitButton: ButtonHandler = (interaction, { coach }, [assignmentId]) =>
  updateWith(interaction, async () => {
    const reviewerRef = actorOf(interaction).userRef;
    const submitted = await coach.submitReview({ assignmentId: numericArg(assignmentId), reviewerRef });
    const next = await coach.nextReview(submitted.promptId, reviewerRef);
    const note = submittedNote(submitted);
    return next.card ? { ...reviewCardMessage(next.card, next), content: note } : reviewsDone(next.total, note);
  }, { stored: storedNotices.submit });

export const commentButton: ButtonHandler = (interaction, _ctx, [assignmentId]) =>
  interaction.showModal(
    new ModalBuilder()
      .setCustomId(customIds.commentModal(numericArg(assignmentId)))
      .setTitle("Comment for the author")
      .addComponents(
        new ActionRowBuilder<TextInputBuilder>().addComponents(
          new TextInputBuilder().setCustomId("comment").setLabel("Comment (shown anonymously)").setStyle(TextInputStyle.Paragraph).setMaxLength(MAX_COMMENT_LENGTH).setRequired(true),
        ),
      ),
  );

export const commentSubmit: ModalHandler = (interaction, { coach }, [assignmentId]) =>
  updateWith(interaction, async () => {
    const card = await coach.comment({ assignmentId: numericArg(assignmentId), reviewerRef: actorOf(interaction).userRef, comment: interaction.fields.getTextInputValue("comment") });
    return reviewCardMessage(card);
  }, { stored: storedNotices.comment });

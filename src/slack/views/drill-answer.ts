import type { DrillMetadata } from "../actions/drill-answer.ts";
import { drillFollowUpOffer } from "../blocks/follow-ups.ts";
import { drillFeedback, ratingReply } from "../blocks/replies.ts";
import { ViewIds } from "../ids.ts";
import { storedNotices } from "../stored-notices.ts";
import { showStored } from "../../stored-not-shown.ts";
import { userRef } from "../refs.ts";
import { answerRequired, inputValue, teamOfView, type ViewHandler } from "./types.ts";

export const drillAnswerSubmit: ViewHandler = {
  callbackId: ViewIds.drillAnswer,
  validate: answerRequired,
  async run(args, rt) {
    const metadata = JSON.parse(args.view.private_metadata) as DrillMetadata;
    const userId = args.body.user.id;
    try {
      const feedback = await rt.coach.answerDrill({ attemptId: metadata.a, userRef: userRef(teamOfView(args), userId), text: inputValue(args, "answer") });
      // With a follow-up, the interviewer's pushback comes before the self-rating.
      const next = feedback.followUp
        ? drillFollowUpOffer(feedback.attemptId, feedback.question.id, feedback.followUp)
        : ratingReply({ a: feedback.attemptId, q: feedback.question.id, r: {} }, feedback.question.rubric.criteria);
      await showStored(storedNotices.drillAnswer, async () => {
        await rt.replyPrivately(metadata.u, userId, drillFeedback(feedback));
        await rt.replyPrivately(metadata.u, userId, next);
      });
    } catch (error) {
      await rt.replyPrivately(metadata.u, userId, rt.failure(error, { view: ViewIds.drillAnswer, user: userId }));
    }
  },
};

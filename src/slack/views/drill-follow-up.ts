import type { DrillFollowUpMetadata } from "../actions/drill-follow-up.ts";
import { drillFollowUpAnswered } from "../blocks/follow-ups.ts";
import { ratingReply } from "../blocks/replies.ts";
import { ViewIds } from "../ids.ts";
import { storedNotices } from "../stored-notices.ts";
import { showStored } from "../../stored-not-shown.ts";
import { userRef } from "../refs.ts";
import { answerRequired, inputValue, teamOfView, type ViewHandler } from "./types.ts";

export const drillFollowUpSubmit: ViewHandler = {
  callbackId: ViewIds.drillFollowUp,
  validate: answerRequired,
  async run(args, rt) {
    const metadata = JSON.parse(args.view.private_metadata) as DrillFollowUpMetadata;
    const userId = args.body.user.id;
    try {
      const step = await rt.coach.answerDrillFollowUp({ attemptId: metadata.a, userRef: userRef(teamOfView(args), userId), text: inputValue(args, "answer") });
      await showStored(storedNotices.drillFollowUp, async () => {
        await rt.replyPrivately(metadata.u, userId, drillFollowUpAnswered(step), true);
        await rt.replyPrivately(metadata.u, userId, ratingReply({ a: step.attemptId, q: step.question.id, r: {} }, step.question.rubric.criteria));
      });
    } catch (error) {
      await rt.replyPrivately(metadata.u, userId, rt.failure(error, { view: ViewIds.drillFollowUp, user: userId }));
    }
  },
};

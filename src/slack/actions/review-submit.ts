import { ActionIds } from "../ids.ts";
import { userRef } from "../refs.ts";
import { storedNotices } from "../stored-notices.ts";
import { changeReviewCard, clickedMessage } from "./review-card-update.ts";
import { teamOf, type ActionHandler } from "./types.ts";

export const reviewSubmit: ActionHandler = {
  actionId: ActionIds.reviewSubmit,
  async run(args, rt) {
    const reviewerRef = userRef(teamOf(args), args.body.user.id);
    const assignmentId = Number(args.action.value);
    await changeReviewCard(rt, clickedMessage(args), storedNotices.submit, () => rt.coach.submitReview({ assignmentId, reviewerRef }));
  },
};

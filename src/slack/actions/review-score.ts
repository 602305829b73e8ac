import { CoachingError } from "../../core/errors.ts";
import { ActionIds } from "../ids.ts";
import { slackTsToDate, userRef } from "../refs.ts";
import { refreshReviewCard } from "./review-card-update.ts";
import { teamOf, type ActionHandler } from "./types.ts";

/** A 1-5 click. The button's value names the assignment; the engine checks the clicker owns it. */
export const reviewScore: ActionHandler = {
  actionId: new RegExp(`^${ActionIds.reviewScore}:`),
  async run(args, rt) {
    const match = /^(\d+):(.+):([1-5])$/.exec(args.action.value ?? "");
    if (!match) throw new CoachingError("bad-score", "That button is out of date; open the latest review message.");
    const reviewerRef = userRef(teamOf(args), args.body.user.id);
    const assignmentId = Number(match[1]);
    await rt.coach.score({ assignmentId, reviewerRef, criterionId: match[2]!, score: Number(match[3]), actionAt: slackTsToDate(args.action.action_ts) });
    await refreshReviewCard(args, rt, assignmentId, reviewerRef);
  },
};

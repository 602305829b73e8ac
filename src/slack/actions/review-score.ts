import { CoachingError } from "../../core/errors.ts";
import { ActionIds } from "../ids.ts";
import { slackTsToDate, userRef } from "../refs.ts";
import { storedNotices } from "../stored-notices.ts";
import { changeReviewCard, clickedMessage } from "./review-card-update.ts";
import { teamOf, type ActionHandler } from "./types.ts";

/** A score button's value, `<assignment>:<criterion>:<1-5>`, as sent back by whoever clicked. */
export function parseScoreValue(value: string | undefined): { assignmentId: number; criterionId: string; score: number } {
  const match = /^(\d{1,12}):(.+):([1-5])$/.exec(value ?? "");
  if (!match) throw new CoachingError("bad-score", "That button is out of date; open the latest review message.");
  return { assignmentId: Number(match[1]), criterionId: match[2]!, score: Number(match[3]) };
}

/** A 1-5 click. The button's value names the assignment; the engine checks the clicker owns it. */
export const reviewScore: ActionHandler = {
  actionId: new RegExp(`^${ActionIds.reviewScore}:`),
  async run(args, rt) {
    const { assignmentId, criterionId, score } = parseScoreValue(args.action.value);
    const reviewerRef = userRef(teamOf(args), args.body.user.id);
    const actionAt = slackTsToDate(args.action.action_ts);
    await changeReviewCard(rt, clickedMessage(args), storedNotices.score, () => rt.coach.score({ assignmentId, reviewerRef, criterionId, score, actionAt }));
  },
};

import { formatLocal } from "../../core/cohorts/schedule.ts";
import { plain } from "../blocks/text.ts";
import { ActionIds } from "../ids.ts";
import { storedNotices } from "../stored-notices.ts";
import { showStored } from "../../stored-not-shown.ts";
import { cohortAddress, userRef } from "../refs.ts";
import { parseRatingState } from "./drill-rate.ts";
import { replaceWith, teamOf, type ActionHandler } from "./types.ts";

/** Saves the self-rating; drills in a cohort channel earn that cohort's drill points. */
export const drillSave: ActionHandler = {
  actionId: ActionIds.drillSave,
  async run(args, rt) {
    const state = parseRatingState(args.action.value);
    const teamId = teamOf(args);
    const channelId = args.body.channel?.id;
    const cohort = channelId ? await rt.coach.cohort(cohortAddress(teamId, channelId)) : undefined;
    const result = await rt.coach.rateDrill({
      attemptId: state.a,
      userRef: userRef(teamId, args.body.user.id),
      ratings: state.r,
      ...(cohort ? { cohortId: cohort.id, season: cohort.season } : {}),
    });
    const zone = cohort?.timeZone ?? "UTC";
    const points = result.pointsAwarded > 0 ? ` +${result.pointsAwarded} points.` : "";
    const ai = result.aiReviewer ? ` The AI reviewer (${result.aiReviewer}) is scoring your answer too; its view comes by DM when ready.` : "";
    await showStored(storedNotices.drillRating, () => replaceWith(args.respond, plain(`Saved.${points} This question comes back around ${formatLocal(result.nextDueAt, zone, false)}.${ai}`)));
  },
};

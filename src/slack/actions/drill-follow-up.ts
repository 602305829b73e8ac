import { MAX_ANSWER_LENGTH } from "../../core/answers/submit-answer.ts";
import { CoachingError } from "../../core/errors.ts";
import { PUSHBACK, type DrillFollowUpValue } from "../blocks/follow-ups.ts";
import { textInputModal } from "../blocks/modals.ts";
import { ratingReply } from "../blocks/replies.ts";
import { ActionIds, ViewIds } from "../ids.ts";
import { criteriaOf, parseRatingState } from "./drill-rate.ts";
import { replaceWith, type ActionHandler } from "./types.ts";

export interface DrillFollowUpMetadata {
  readonly a: number;
  /** The offer's response_url: the answered follow-up replaces the offer, then the rating panel follows. */
  readonly u: string | undefined;
}

function parseValue(value: string | undefined): DrillFollowUpValue {
  try {
    const parsed = JSON.parse(value ?? "") as DrillFollowUpValue;
    if (typeof parsed.a === "number" && typeof parsed.f === "string") return parsed;
  } catch {
    // fall through to the friendly error
  }
  throw new CoachingError("unknown-drill", "That follow-up button is out of date. Start a new drill with /drill.");
}

export const drillFollowUpAnswer: ActionHandler = {
  actionId: ActionIds.drillFollowUpAnswer,
  async run(args, rt) {
    const value = parseValue(args.action.value);
    const metadata: DrillFollowUpMetadata = { a: value.a, u: args.body.response_url };
    await rt.client.views.open({
      trigger_id: args.body.trigger_id,
      view: textInputModal({
        callbackId: ViewIds.drillFollowUp,
        metadata,
        title: "Interviewer follow-up",
        submit: "Check my answer",
        blockId: "answer",
        label: `${PUSHBACK} ${value.f}`,
        maxLength: MAX_ANSWER_LENGTH,
      }),
    });
  },
};

/** Skipping the follow-up goes straight to the self-rating panel, in place of the offer. */
export const drillFollowUpSkip: ActionHandler = {
  actionId: ActionIds.drillFollowUpSkip,
  async run(args, rt) {
    const state = parseRatingState(args.action.value);
    await replaceWith(args.respond, ratingReply(state, await criteriaOf(rt, state.q)));
  },
};

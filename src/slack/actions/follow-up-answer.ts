import { MAX_ANSWER_LENGTH } from "../../core/answers/submit-answer.ts";
import { PUSHBACK } from "../blocks/follow-ups.ts";
import { textInputModal } from "../blocks/modals.ts";
import { ActionIds, ViewIds } from "../ids.ts";
import { userRef } from "../refs.ts";
import { teamOf, type ActionHandler } from "./types.ts";

export interface FollowUpMetadata {
  readonly f: number;
  /** The receipt's response_url: the modal's own receipt lands privately beside it. */
  readonly u: string | undefined;
}

/** "Answer the follow-up" on an answer receipt: a modal showing the follow-up, prefilled with any earlier answer. */
export const followUpAnswer: ActionHandler = {
  actionId: ActionIds.followUpAnswer,
  async run(args, rt) {
    const answerId = Number(args.action.value);
    const followUp = await rt.coach.followUp(answerId, userRef(teamOf(args), args.body.user.id));
    const metadata: FollowUpMetadata = { f: answerId, u: args.body.response_url };
    await rt.client.views.open({
      trigger_id: args.body.trigger_id,
      view: textInputModal({
        callbackId: ViewIds.followUp,
        metadata,
        title: "Interviewer follow-up",
        submit: "Save answer",
        blockId: "answer",
        label: `${PUSHBACK} ${followUp.question}`,
        hint: "Your reviewers see this under your answer. Saving again replaces it while answers are open.",
        maxLength: MAX_ANSWER_LENGTH,
        initialValue: followUp.answer,
      }),
    });
  },
};

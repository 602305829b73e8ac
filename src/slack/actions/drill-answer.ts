import { MAX_ANSWER_LENGTH } from "../../core/answers/submit-answer.ts";
import { textInputModal } from "../blocks/modals.ts";
import { ActionIds, ViewIds } from "../ids.ts";
import type { ActionHandler } from "./types.ts";

export interface DrillMetadata {
  readonly a: number;
  /** The ephemeral question's response_url: the only way back to a private message from a modal. */
  readonly u: string | undefined;
  readonly c: string | undefined;
}

export const drillAnswer: ActionHandler = {
  actionId: ActionIds.drillAnswer,
  async run(args, rt) {
    const metadata: DrillMetadata = { a: Number(args.action.value), u: args.body.response_url, c: args.body.channel?.id };
    await rt.client.views.open({
      trigger_id: args.body.trigger_id,
      view: textInputModal({
        callbackId: ViewIds.drillAnswer,
        metadata,
        title: "Your drill answer",
        submit: "Check my answer",
        blockId: "answer",
        label: "Answer as you would in the interview",
        maxLength: MAX_ANSWER_LENGTH,
      }),
    });
  },
};

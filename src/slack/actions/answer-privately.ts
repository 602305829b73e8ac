import { MAX_ANSWER_LENGTH } from "../../core/answers/submit-answer.ts";
import { textInputModal } from "../blocks/modals.ts";
import { ActionIds, ViewIds } from "../ids.ts";
import type { ActionHandler } from "./types.ts";

export interface AnswerMetadata {
  readonly p: number;
  /** The question's response_url: lets the modal's receipt land privately in the channel. */
  readonly u: string | undefined;
}

/** The daily post's "Answer privately": the answer goes to the engine, never into the thread. */
export const answerPrivately: ActionHandler = {
  actionId: ActionIds.answerPrivately,
  async run(args, rt) {
    const metadata: AnswerMetadata = { p: Number(args.action.value), u: args.body.response_url };
    await rt.client.views.open({
      trigger_id: args.body.trigger_id,
      view: textInputModal({
        callbackId: ViewIds.answer,
        metadata,
        title: "Your answer",
        submit: "Save answer",
        blockId: "answer",
        label: "Only your reviewers see this, without your name",
        hint: "Saving again replaces your earlier answer while answers are open.",
        maxLength: MAX_ANSWER_LENGTH,
      }),
    });
  },
};

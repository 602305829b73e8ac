import { MAX_ANSWER_LENGTH } from "../../core/answers/submit-answer.ts";
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
      view: {
        type: "modal",
        callback_id: ViewIds.answer,
        private_metadata: JSON.stringify(metadata),
        title: { type: "plain_text", text: "Your answer" },
        submit: { type: "plain_text", text: "Save answer" },
        close: { type: "plain_text", text: "Cancel" },
        blocks: [
          {
            type: "input",
            block_id: "answer",
            label: { type: "plain_text", text: "Only your reviewers see this, without your name" },
            hint: { type: "plain_text", text: "Saving again replaces your earlier answer while answers are open." },
            element: { type: "plain_text_input", action_id: "text", multiline: true, max_length: MAX_ANSWER_LENGTH },
          },
        ],
      },
    });
  },
};

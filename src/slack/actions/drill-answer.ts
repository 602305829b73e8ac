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
      view: {
        type: "modal",
        callback_id: ViewIds.drillAnswer,
        private_metadata: JSON.stringify(metadata),
        title: { type: "plain_text", text: "Your drill answer" },
        submit: { type: "plain_text", text: "Check my answer" },
        close: { type: "plain_text", text: "Cancel" },
        blocks: [
          {
            type: "input",
            block_id: "answer",
            label: { type: "plain_text", text: "Answer as you would in the interview" },
            element: { type: "plain_text_input", action_id: "text", multiline: true, max_length: 4000 },
          },
        ],
      },
    });
  },
};

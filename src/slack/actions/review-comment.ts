import { ActionIds, ViewIds } from "../ids.ts";
import { userRef } from "../refs.ts";
import { teamOf, type ActionHandler } from "./types.ts";

export interface CommentMetadata {
  readonly a: number;
  readonly c: string;
  readonly t: string;
}

/** Opens the comment modal; the DM it came from is remembered so the modal can update it. */
export const reviewComment: ActionHandler = {
  actionId: ActionIds.reviewComment,
  async run(args, rt) {
    const assignmentId = Number(args.action.value);
    const card = await rt.coach.showReview(assignmentId, userRef(teamOf(args), args.body.user.id));
    const metadata: CommentMetadata = { a: assignmentId, c: args.body.container?.channel_id ?? args.body.channel?.id ?? "", t: args.body.container?.message_ts ?? "" };
    await rt.client.views.open({
      trigger_id: args.body.trigger_id,
      view: {
        type: "modal",
        callback_id: ViewIds.reviewComment,
        private_metadata: JSON.stringify(metadata),
        title: { type: "plain_text", text: "Comment for the author" },
        submit: { type: "plain_text", text: "Save comment" },
        close: { type: "plain_text", text: "Cancel" },
        blocks: [
          {
            type: "input",
            block_id: "comment",
            label: { type: "plain_text", text: "What would make this answer stronger?" },
            element: { type: "plain_text_input", action_id: "text", multiline: true, max_length: 1000, ...(card.comment ? { initial_value: card.comment } : {}) },
          },
        ],
      },
    });
  },
};

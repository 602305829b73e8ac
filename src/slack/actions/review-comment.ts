import { MAX_COMMENT_LENGTH } from "../../core/reviews/score-review.ts";
import { textInputModal } from "../blocks/modals.ts";
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
      view: textInputModal({
        callbackId: ViewIds.reviewComment,
        metadata,
        title: "Comment for the author",
        submit: "Save comment",
        blockId: "comment",
        label: "What would make this answer stronger?",
        maxLength: MAX_COMMENT_LENGTH,
        initialValue: card.comment,
      }),
    });
  },
};

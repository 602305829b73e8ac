import type { CommentMetadata } from "../actions/review-comment.ts";
import { changeReviewCard } from "../actions/review-card-update.ts";
import { ViewIds } from "../ids.ts";
import { storedNotices } from "../stored-notices.ts";
import { userRef } from "../refs.ts";
import { inputValue, teamOfView, type ViewHandler } from "./types.ts";

export const reviewCommentSubmit: ViewHandler = {
  callbackId: ViewIds.reviewComment,
  async run(args, rt) {
    const metadata = JSON.parse(args.view.private_metadata) as CommentMetadata;
    const reviewerRef = userRef(teamOfView(args), args.body.user.id);
    try {
      const comment = inputValue(args, "comment");
      const message = metadata.c && metadata.t ? { channel: metadata.c, ts: metadata.t } : undefined;
      await changeReviewCard(rt, message, storedNotices.comment, () => rt.coach.comment({ assignmentId: metadata.a, reviewerRef, comment }));
    } catch (error) {
      // The modal is gone; the reviewer's DM is the private place to explain.
      const reply = rt.failure(error, { view: ViewIds.reviewComment, user: args.body.user.id });
      await rt.post({ channel: args.body.user.id, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
    }
  },
};

import type { App, ViewSubmitAction } from "@slack/bolt";
import type { SlackRuntime } from "../runtime.ts";
import { answerSubmit } from "./answer.ts";
import { drillAnswerSubmit } from "./drill-answer.ts";
import { drillFollowUpSubmit } from "./drill-follow-up.ts";
import { followUpSubmit } from "./follow-up.ts";
import { reviewCommentSubmit } from "./review-comment.ts";
import type { ViewHandler } from "./types.ts";

/** Every modal the app opens. */
export const viewHandlers: readonly ViewHandler[] = [answerSubmit, reviewCommentSubmit, drillAnswerSubmit, followUpSubmit, drillFollowUpSubmit];

export function registerView(app: App, rt: SlackRuntime, handler: ViewHandler): void {
  app.view<ViewSubmitAction>(handler.callbackId, async (args) => {
    const errors = handler.validate?.(args);
    if (errors) {
      await args.ack({ response_action: "errors", errors });
      return;
    }
    await args.ack();
    try {
      await handler.run(args, rt);
    } catch (error) {
      rt.failure(error, { view: handler.callbackId, user: args.body.user.id });
    }
  });
}

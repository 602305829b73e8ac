import type { App, BlockButtonAction, RespondFn, SlackActionMiddlewareArgs, AllMiddlewareArgs } from "@slack/bolt";
import type { Reply } from "../blocks/text.ts";
import type { SlackRuntime } from "../runtime.ts";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export interface ActionHandler {
  /** An exact action_id, or a pattern for families such as `review_score:<criterion>:<n>`. */
  readonly actionId: string | RegExp;
  run(args: ButtonArgs, rt: SlackRuntime): Promise<void>;
}

/** A private note to the clicker: a new ephemeral message, leaving the clicked one as it was. */
export async function tellPrivately(respond: RespondFn, rt: SlackRuntime, reply: Reply): Promise<void> {
  try {
    await respond({ response_type: "ephemeral", replace_original: false, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
  } catch (error) {
    rt.log.warn({ err: error }, "could not send a private reply through response_url");
  }
}

export async function replaceWith(respond: RespondFn, reply: Reply): Promise<void> {
  await respond({ response_type: "ephemeral", replace_original: true, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
}

/** Registers a button handler that acks first and turns any failure into a private message. */
export function registerAction(app: App, rt: SlackRuntime, handler: ActionHandler): void {
  app.action<BlockButtonAction>(handler.actionId, async (args) => {
    await args.ack();
    try {
      await handler.run(args, rt);
    } catch (error) {
      await tellPrivately(args.respond, rt, rt.failure(error, { action: args.action.action_id, user: args.body.user.id }));
    }
  });
}

export const teamOf = (args: ButtonArgs): string => args.context.teamId ?? args.body.team?.id ?? args.body.user.team_id ?? "";

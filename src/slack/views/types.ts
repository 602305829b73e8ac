import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { SlackRuntime } from "../runtime.ts";

export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export interface ViewHandler {
  readonly callbackId: string;
  /** Runs before the ack; returns inline field errors to keep the modal open, else nothing. */
  validate?(args: ViewArgs): Record<string, string> | undefined;
  run(args: ViewArgs, rt: SlackRuntime): Promise<void>;
}

export const teamOfView = (args: ViewArgs): string => args.context.teamId ?? args.body.team?.id ?? args.body.user.team_id ?? "";

export const inputValue = (args: ViewArgs, blockId: string): string => args.view.state.values[blockId]?.["text"]?.value ?? "";

/** Keeps an answer modal open with an inline error when its text is blank. */
export const answerRequired = (args: ViewArgs): Record<string, string> | undefined =>
  inputValue(args, "answer").trim() === "" ? { answer: "Write your answer first." } : undefined;

import type { AnswerMetadata } from "../actions/answer-privately.ts";
import { withFollowUp } from "../blocks/follow-ups.ts";
import { answerReceipt } from "../blocks/replies.ts";
import { ViewIds } from "../ids.ts";
import { storedNotices } from "../stored-notices.ts";
import { showStored } from "../../stored-not-shown.ts";
import { answerRequired, inputValue, teamOfView, type ViewHandler } from "./types.ts";

export const answerSubmit: ViewHandler = {
  callbackId: ViewIds.answer,
  validate: answerRequired,
  async run(args, rt) {
    const metadata = JSON.parse(args.view.private_metadata) as AnswerMetadata;
    const userId = args.body.user.id;
    try {
      const actor = await rt.actor(teamOfView(args), userId);
      const receipt = await rt.coach.answer({ prompt: metadata.p, actor, text: inputValue(args, "answer"), sourceRef: null });
      const reply = withFollowUp(answerReceipt(receipt.check, receipt.created, receipt.streak), receipt.followUp);
      await showStored(storedNotices.answer, () => rt.replyPrivately(metadata.u, userId, reply));
    } catch (error) {
      await rt.replyPrivately(metadata.u, userId, rt.failure(error, { view: ViewIds.answer, user: userId }));
    }
  },
};

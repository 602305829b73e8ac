import type { FollowUpMetadata } from "../actions/follow-up-answer.ts";
import { followUpReceipt } from "../blocks/follow-ups.ts";
import { ViewIds } from "../ids.ts";
import { storedNotices } from "../stored-notices.ts";
import { showStored } from "../../stored-not-shown.ts";
import { userRef } from "../refs.ts";
import { answerRequired, inputValue, teamOfView, type ViewHandler } from "./types.ts";

export const followUpSubmit: ViewHandler = {
  callbackId: ViewIds.followUp,
  validate: answerRequired,
  async run(args, rt) {
    const metadata = JSON.parse(args.view.private_metadata) as FollowUpMetadata;
    const userId = args.body.user.id;
    try {
      const receipt = await rt.coach.answerFollowUp({ answerId: metadata.f, userRef: userRef(teamOfView(args), userId), text: inputValue(args, "answer") });
      await showStored(storedNotices.followUp, () => rt.replyPrivately(metadata.u, userId, followUpReceipt(receipt)));
    } catch (error) {
      await rt.replyPrivately(metadata.u, userId, rt.failure(error, { view: ViewIds.followUp, user: userId }));
    }
  },
};

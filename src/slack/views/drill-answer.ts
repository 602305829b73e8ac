import type { DrillMetadata } from "../actions/drill-answer.ts";
import { drillFeedback, ratingReply } from "../blocks/replies.ts";
import type { Reply } from "../blocks/text.ts";
import { ViewIds } from "../ids.ts";
import { userRef } from "../refs.ts";
import type { SlackRuntime } from "../runtime.ts";
import { inputValue, teamOfView, type ViewHandler } from "./types.ts";

/**
 * Private replies from a modal go through the drill question's response_url (no scope,
 * works in any channel); without one they fall back to the member's DM.
 */
async function sendPrivately(rt: SlackRuntime, metadata: DrillMetadata, userId: string, reply: Reply): Promise<void> {
  if (metadata.u) {
    const response = await fetch(metadata.u, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ response_type: "ephemeral", replace_original: false, text: reply.text, blocks: reply.blocks }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.ok) return;
    rt.log.warn({ status: response.status }, "drill response_url refused the reply; sending it by DM");
  }
  await rt.post({ channel: userId, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
}

export const drillAnswerSubmit: ViewHandler = {
  callbackId: ViewIds.drillAnswer,
  validate: (args) => (inputValue(args, "answer").trim() === "" ? { answer: "Write your answer first." } : undefined),
  async run(args, rt) {
    const metadata = JSON.parse(args.view.private_metadata) as DrillMetadata;
    const userId = args.body.user.id;
    try {
      const feedback = await rt.coach.answerDrill({ attemptId: metadata.a, userRef: userRef(teamOfView(args), userId), text: inputValue(args, "answer") });
      await sendPrivately(rt, metadata, userId, drillFeedback(feedback));
      await sendPrivately(rt, metadata, userId, ratingReply({ a: feedback.attemptId, q: feedback.question.id, r: {} }, feedback.question.rubric.criteria));
    } catch (error) {
      await sendPrivately(rt, metadata, userId, rt.failure(error, { view: ViewIds.drillAnswer, user: userId }));
    }
  },
};

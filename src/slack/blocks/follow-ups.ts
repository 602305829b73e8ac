import type { FollowUpReceipt } from "../../core/follow-ups/answer-follow-up.ts";
import type { DrillRatingStep } from "../../core/follow-ups/drill-follow-up.ts";
import type { FollowUpOffer } from "../../core/follow-ups/offer-follow-up.ts";
import type { ReviewCard } from "../../core/messages.ts";
import { ActionIds } from "../ids.ts";
import type { RatingState } from "./replies.ts";
import { renderCheck } from "./replies.ts";
import { actions, button, escape, section, sections, type Block, type Reply } from "./text.ts";

export const PUSHBACK = "An interviewer would push back:";

const pushback = (question: string) => section(`:speech_balloon: *${PUSHBACK}* ${escape(question)}`);
const quoted = (text: string) => sections(escape(text).replace(/^/gm, "> "));

/** The private receipt of a new answer, with the follow-up and the button that answers it. */
export function withFollowUp(reply: Reply, offer: FollowUpOffer | undefined): Reply {
  if (!offer) return reply;
  return {
    ...reply,
    blocks: [
      ...(reply.blocks ?? []),
      pushback(offer.question),
      actions("follow-up", [button(ActionIds.followUpAnswer, "Answer the follow-up", String(offer.answerId), "primary")]),
    ],
  };
}

export function followUpReceipt(receipt: FollowUpReceipt): Reply {
  const intro = `${receipt.created ? ":white_check_mark: Follow-up answer saved" : ":pencil2: Follow-up answer updated"}; your reviewers see it under your answer. Quick check (automatic, not a grade):`;
  return { text: receipt.created ? "Follow-up answer saved." : "Follow-up answer updated.", blocks: renderCheck(receipt.check, intro) };
}

/** Under the blind answer on a review card: the follow-up as asked and the author's answer to it. */
export function reviewFollowUpBlocks(card: ReviewCard): Block[] {
  if (!card.followUp) return [];
  return [section(`*Follow-up* (${PUSHBACK} ${escape(card.followUp.question)})`), ...quoted(card.followUp.answer), section("_Score the answer and the follow-up together._")];
}

/** The button's value carries the follow-up so the modal can show it without a lookup. */
export interface DrillFollowUpValue {
  readonly a: number;
  readonly f: string;
}

/** Between a drill answer and its self-rating: answer the interviewer's pushback, or skip to rating. */
export function drillFollowUpOffer(attemptId: number, questionId: string, followUp: string): Reply {
  const value: DrillFollowUpValue = { a: attemptId, f: followUp };
  const skip: RatingState = { a: attemptId, q: questionId, r: {} };
  return {
    text: `${PUSHBACK} ${followUp}`,
    blocks: [
      pushback(followUp),
      actions("drill-follow-up", [
        button(ActionIds.drillFollowUpAnswer, "Answer the follow-up", JSON.stringify(value), "primary"),
        button(ActionIds.drillFollowUpSkip, "Skip to self-rating", JSON.stringify(skip)),
      ]),
    ],
  };
}

/** The drill's follow-up answer and its check, shown just above the self-rating panel. */
export function drillFollowUpAnswered(step: DrillRatingStep): Reply {
  const followUp = step.followUp!;
  return {
    text: "Follow-up answer checked.",
    blocks: [
      pushback(followUp.question),
      section("*Your follow-up answer*"),
      ...quoted(followUp.answer),
      ...renderCheck(followUp.check, "Quick check of the follow-up (automatic, not a grade). Rate the answer and the follow-up together:"),
    ],
  };
}

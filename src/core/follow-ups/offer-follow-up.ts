import { submitAnswer, withdrawAnswer, type AnswerReceipt } from "../answers/submit-answer.ts";
import type { CoachDeps } from "../deps.ts";
import type { Answer } from "../prompts/types.ts";
import type { Question } from "../questions/types.ts";
import { stableHash } from "../random.ts";

/** One of the question's follow-ups, offered privately after an answer is first recorded. */
export interface FollowUpOffer {
  readonly answerId: number;
  readonly question: string;
}

export interface AnsweredWithFollowUp extends AnswerReceipt {
  /** Set only for the submission that first recorded the answer, so an edit or a retried delivery never offers it again. */
  readonly followUp: FollowUpOffer | undefined;
}

/** The same answer always gets the same follow-up, whichever replica or retry picks it. */
export function pickFollowUp(question: Question, key: string): string | undefined {
  const { followUps } = question;
  return followUps.length > 0 ? followUps[stableHash(key) % followUps.length] : undefined;
}

export const answerFollowUpKey = (answerId: number) => `answer:${answerId}`;

/**
 * Records the answer, then (for a new answer only) the follow-up offered after it. The
 * offer row is keyed by the answer, so two deliveries racing still offer it once.
 */
export async function answerWithFollowUp(deps: CoachDeps, input: Parameters<typeof submitAnswer>[1]): Promise<AnsweredWithFollowUp> {
  const receipt = await submitAnswer(deps, input);
  if (!receipt.created) return { ...receipt, followUp: undefined };
  const followUp = receipt.question && pickFollowUp(receipt.question, answerFollowUpKey(receipt.answer.id));
  if (!followUp || !(await deps.repos.followUps.offer(receipt.answer.id, followUp, deps.clock.now()))) return { ...receipt, followUp: undefined };
  return { ...receipt, followUp: { answerId: receipt.answer.id, question: followUp } };
}

/** Withdrawing an answer withdraws its follow-up answer too, so a later answer starts clean. */
export async function withdrawWithFollowUp(deps: CoachDeps, input: Parameters<typeof withdrawAnswer>[1]): Promise<Answer | undefined> {
  const withdrawn = await withdrawAnswer(deps, input);
  if (withdrawn) await deps.repos.followUps.clearAnswer(withdrawn.id);
  return withdrawn;
}

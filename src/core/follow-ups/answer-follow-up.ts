import { checkAnswer, NO_CHECK } from "../answers/check-answer.ts";
import { MAX_ANSWER_LENGTH, promptContext, requireAnswersOpen } from "../answers/submit-answer.ts";
import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import type { AnswerCheck } from "../messages.ts";
import type { Answer } from "../prompts/types.ts";
import type { Question } from "../questions/types.ts";

/** The one call into the check engine for follow-up answers, daily and drill alike. */
export const checkFollowUp = (question: Question, text: string): AnswerCheck => checkAnswer(question, text);

export interface FollowUpReceipt {
  readonly answerId: number;
  readonly question: string;
  readonly answer: string;
  /** False when this replaced an earlier follow-up answer. */
  readonly created: boolean;
  readonly check: AnswerCheck;
}

/** Same limits as a main answer: refused whole, never truncated. */
export function followUpText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new CoachingError("answer-empty", "That follow-up answer is empty. Write it and send it again.");
  if (trimmed.length > MAX_ANSWER_LENGTH) {
    throw new CoachingError("answer-too-long", `Your follow-up answer is ${trimmed.length.toLocaleString("en-US")} characters; the limit is ${MAX_ANSWER_LENGTH.toLocaleString("en-US")}. Nothing was saved.`);
  }
  return trimmed;
}

async function ownOffer(deps: CoachDeps, answerId: number, userRef: string): Promise<{ answer: Answer; question: string; body: string | null }> {
  const answer = await deps.repos.answers.get(answerId);
  if (!answer || answer.userRef !== userRef) throw new CoachingError("no-answer", "That follow-up belongs to someone else's answer, so nothing was saved.");
  if (answer.withdrawnAt !== null) throw new CoachingError("no-answer", "You withdrew that answer, so its follow-up is closed too. Answer the question again to get a new one.");
  const offer = await deps.repos.followUps.get(answerId);
  if (!offer) throw new CoachingError("no-answer", "That answer has no follow-up.");
  return { answer, question: offer.question, body: offer.body };
}

/** The follow-up and the member's answer so far, for the form that answers it. */
export async function showFollowUp(deps: CoachDeps, answerId: number, userRef: string): Promise<{ question: string; answer: string | null }> {
  const offer = await ownOffer(deps, answerId, userRef);
  return { question: offer.question, answer: offer.body };
}

/**
 * Saves the author's answer to their follow-up while answers are open; a second
 * submission replaces the first. Reviewers see it under the main answer.
 */
export async function answerFollowUp(deps: CoachDeps, input: { readonly answerId: number; readonly userRef: string; readonly text: string }): Promise<FollowUpReceipt> {
  const text = followUpText(input.text);
  const offer = await ownOffer(deps, input.answerId, input.userRef);
  const context = await promptContext(deps, offer.answer.promptId);
  requireAnswersOpen(deps, context);
  const { prompt } = context;
  if (!(await deps.repos.followUps.saveAnswer(input.answerId, text, deps.clock.now()))) throw new CoachingError("no-answer", "That answer has no follow-up.");
  const question = await deps.repos.questions.get(prompt.questionId);
  return {
    answerId: input.answerId,
    question: offer.question,
    answer: text,
    created: offer.body === null,
    check: question ? checkFollowUp(question, text) : NO_CHECK,
  };
}

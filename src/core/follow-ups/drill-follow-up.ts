import type { CoachDeps } from "../deps.ts";
import { answerDrill, type DrillFeedback } from "../drills/drill.ts";
import { CoachingError } from "../errors.ts";
import type { AnswerCheck } from "../messages.ts";
import type { Question } from "../questions/types.ts";
import { checkFollowUp, followUpText } from "./answer-follow-up.ts";
import { pickFollowUp } from "./offer-follow-up.ts";

export interface DrillFeedbackWithFollowUp extends DrillFeedback {
  /** The interviewer's pushback to answer before rating; undefined when the question has none. */
  readonly followUp: string | undefined;
}

/** What the self-rating step shows: the follow-up answer, when there is one, is rated with the answer. */
export interface DrillRatingStep {
  readonly attemptId: number;
  readonly question: Question;
  readonly followUp: { readonly question: string; readonly answer: string; readonly check: AnswerCheck } | undefined;
}

const drillFollowUpKey = (attemptId: number) => `drill:${attemptId}`;

/** The follow-up a drill attempt offers (the same one every time it is asked). */
export const drillFollowUpOf = (question: Question, attemptId: number) => pickFollowUp(question, drillFollowUpKey(attemptId));

export async function answerDrillWithFollowUp(deps: CoachDeps, input: Parameters<typeof answerDrill>[1]): Promise<DrillFeedbackWithFollowUp> {
  const feedback = await answerDrill(deps, input);
  return { ...feedback, followUp: pickFollowUp(feedback.question, drillFollowUpKey(feedback.attemptId)) };
}

async function ownAnsweredAttempt(deps: CoachDeps, attemptId: number, userRef: string) {
  const attempt = await deps.repos.drills.getAttempt(attemptId);
  const question = attempt && attempt.userRef === userRef ? await deps.repos.questions.get(attempt.questionId) : undefined;
  if (!attempt || !question) throw new CoachingError("unknown-drill", "That drill belongs to someone else or has expired. Start a new one with /drill.");
  if (attempt.body === null) throw new CoachingError("unknown-drill", "Answer the drill question first; its follow-up comes after.");
  return { attempt, question, followUp: pickFollowUp(question, drillFollowUpKey(attemptId)) };
}

/** Saves (or replaces) the drill's follow-up answer and checks it. */
export async function answerDrillFollowUp(deps: CoachDeps, input: { readonly attemptId: number; readonly userRef: string; readonly text: string }): Promise<DrillRatingStep> {
  const text = followUpText(input.text);
  const { question, followUp } = await ownAnsweredAttempt(deps, input.attemptId, input.userRef);
  if (!followUp) throw new CoachingError("unknown-drill", "This drill question has no follow-up.");
  await deps.repos.drills.saveFollowUpAnswer(input.attemptId, text);
  return { attemptId: input.attemptId, question, followUp: { question: followUp, answer: text, check: checkFollowUp(question, text) } };
}

/** The self-rating step, with the follow-up answer if the member gave one (and skipped straight here if not). */
export async function drillRatingStep(deps: CoachDeps, attemptId: number, userRef: string): Promise<DrillRatingStep> {
  const { attempt, question, followUp } = await ownAnsweredAttempt(deps, attemptId, userRef);
  const answered = followUp && attempt.followUpBody !== null ? { question: followUp, answer: attempt.followUpBody, check: checkFollowUp(question, attempt.followUpBody) } : undefined;
  return { attemptId, question, followUp: answered };
}

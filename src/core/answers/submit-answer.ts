import { formatLocal } from "../cohorts/schedule.ts";
import type { Actor } from "../cohorts/types.ts";
import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import type { AnswerCheck } from "../messages.ts";
import { awardAnswer, reverseAnswer } from "../points/awards.ts";
import type { PromptContext } from "../ports.ts";
import type { Question } from "../questions/types.ts";
import type { Answer, Prompt } from "../prompts/types.ts";
import { requireStorable, storableName } from "../text.ts";
import { checkAnswer, NO_CHECK } from "./check-answer.ts";

export const MAX_ANSWER_LENGTH = 4_000;

export interface AnswerReceipt {
  readonly answer: Answer;
  /** False when this replaced the member's earlier answer. */
  readonly created: boolean;
  /** False when this exact answer was already stored: a redelivery, which deserves no second receipt. */
  readonly changed: boolean;
  readonly check: AnswerCheck;
  readonly streak: number;
  /** The question answered, as read with the prompt, so follow-ups need not read it again. */
  readonly question: Question | undefined;
}

export async function promptContext(deps: CoachDeps, promptRefOrId: string | number): Promise<PromptContext> {
  const context = await deps.repos.prompts.context(promptRefOrId);
  if (!context) throw new CoachingError("no-prompt", "That message is not one of Cohort Coach's questions.");
  return context;
}

export function requireAnswersOpen(deps: CoachDeps, { cohort, prompt, steps }: PromptContext, at: Date = deps.clock.now()): void {
  const now = at;
  if (now >= prompt.answersCloseAt || steps.has("open-reviews") || steps.has("close")) {
    throw new CoachingError(
      "window-closed",
      `Answers for this question closed at ${formatLocal(prompt.answersCloseAt, cohort.timeZone)} (${cohort.timeZone}). Your answer was not changed. Try /drill to keep practising.`,
    );
  }
}

/**
 * Records a member's answer: a thread reply, a modal, or an edit of either. One
 * answer per member per prompt; a later submission replaces the text while answers
 * are open. Too long or empty answers are refused whole, never truncated.
 */
export async function submitAnswer(
  deps: CoachDeps,
  input: {
    readonly prompt: string | number;
    readonly actor: Actor;
    readonly text: string;
    readonly sourceRef: string | null;
    /**
     * When the member sent it, by the platform's clock, for a message read back after an
     * outage: it is judged against the window as of then (never later than now), and
     * stored with that time. Answers close for good once reviews have opened.
     */
    readonly sentAt?: Date | undefined;
  },
): Promise<AnswerReceipt> {
  const context = await promptContext(deps, input.prompt);
  const { prompt, cohort, question } = context;
  const text = requireStorable(input.text, "answer").trim();
  if (text.length === 0) throw new CoachingError("answer-empty", "That answer is empty. Write your answer and send it again.");
  if (text.length > MAX_ANSWER_LENGTH) {
    throw new CoachingError(
      "answer-too-long",
      `Your answer is ${text.length.toLocaleString("en-US")} characters; the limit is ${MAX_ANSWER_LENGTH.toLocaleString("en-US")}. Tighten it and send it again (nothing was saved).`,
    );
  }
  const clockNow = deps.clock.now();
  const now = input.sentAt && input.sentAt < clockNow ? input.sentAt : clockNow;
  requireAnswersOpen(deps, context, now);
  const author = { userRef: input.actor.userRef, displayName: storableName(input.actor.displayName) };
  const { answer, created, changed } = await deps.repos.answers.upsert(prompt.id, author, text, input.sourceRef, now);
  const streak = await awardAnswer(deps, cohort, prompt, input.actor.userRef, now);
  const check = question ? checkAnswer(question, text) : NO_CHECK;
  return { answer, created, changed, check, streak, question };
}

/** Withdraws the answer behind a deleted message; its points are reversed. */
export async function withdrawAnswer(deps: CoachDeps, input: { readonly sourceRef: string; readonly actorRef?: string }): Promise<Answer | undefined> {
  const answer = await deps.repos.answers.findBySource(input.sourceRef);
  if (!answer || answer.withdrawnAt !== null) return undefined;
  if (input.actorRef !== undefined && input.actorRef !== answer.userRef) return undefined;
  const context = await promptContext(deps, answer.promptId);
  const { prompt } = context;
  requireAnswersOpen(deps, context);
  const now = deps.clock.now();
  if (await deps.repos.answers.withdraw(answer.id, now)) await reverseAnswer(deps, prompt, answer.userRef, now);
  return answer;
}

/** Prompts whose answer window is still open: after an outage, the threads worth re-reading. */
export async function promptsTakingAnswers(deps: CoachDeps): Promise<readonly Prompt[]> {
  const now = deps.clock.now();
  return (await deps.repos.prompts.unfinished()).filter((p) => p.answersCloseAt > now);
}

/** The prompt a platform message or thread belongs to, if any. */
export async function findPrompt(deps: CoachDeps, ref: string): Promise<Prompt | undefined> {
  return deps.repos.prompts.findByRef(ref);
}

import { DateTime } from "luxon";
import { drillAiState, type DrillAiState } from "../ai/drill-review.ts";
import { answerDrill, ownAttempt, validateAnswerText } from "../drills/drill.ts";
import { checkAnswer } from "../answers/check-answer.ts";
import { checkFollowUp } from "../follow-ups/answer-follow-up.ts";
import { drillFollowUpOf } from "../follow-ups/drill-follow-up.ts";
import { localDateOf } from "../cohorts/schedule.ts";
import type { CoachDeps } from "../deps.ts";
import { questionsById } from "../questions/lookup.ts";
import { CoachingError } from "../errors.ts";
import type { AnswerCheck } from "../messages.ts";
import type { DrillAttempt } from "../ports.ts";
import { pickQuestion } from "../questions/pick-question.ts";
import type { Question, Track } from "../questions/types.ts";
import { stableHash } from "../random.ts";

/**
 * Solo practice: one person as a cohort of one. Today's question comes from the same
 * choice logic as a cohort's daily post, and every answer is a drill attempt, so self-
 * ratings feed spaced repetition and the weakest-criterion targeting of /drill.
 */

export interface TodaysQuestion {
  readonly track: Track;
  readonly question: Question;
  readonly localDate: string;
  /** Today's attempt at it, once answered. */
  readonly attempt: DrillAttempt | undefined;
}

export interface AttemptView {
  readonly attempt: DrillAttempt;
  readonly question: Question;
  readonly check: AnswerCheck | undefined;
  /** The interviewer's pushback, offered once the answer is in; answering it is optional. */
  readonly followUp: { readonly question: string; readonly answer: string | undefined; readonly check: AnswerCheck | undefined } | undefined;
  /** The AI reviewer's view after the self-rating, when the bot has one. */
  readonly ai?: DrillAiState;
}

export interface DueDrill {
  readonly question: Question;
  readonly dueAt: Date;
}

export interface CriterionSeries {
  readonly criterionId: string;
  readonly label: string;
  readonly points: readonly { readonly localDate: string; readonly score: number; readonly questionId: string }[];
}

export interface PracticeHistory {
  readonly attempts: readonly { readonly attempt: DrillAttempt; readonly question: Question }[];
  readonly criteria: readonly CriterionSeries[];
}

async function requireTrack(deps: CoachDeps, trackId: string | undefined): Promise<Track> {
  const tracks = await deps.repos.questions.activeTracks();
  const id = trackId?.trim().toLowerCase() ?? "";
  const track = tracks.find((t) => t.id === id);
  if (!track) {
    const known = tracks.map((t) => t.id).join(", ");
    throw new CoachingError("unknown-track", id ? `There is no track "${id}". Available: ${known}.` : `Choose a track. Available: ${known}.`);
  }
  return track;
}

const todaysKey = (userRef: string, trackId: string, localDate: string) => `today:${userRef}:${trackId}:${localDate}`;

export async function todaysQuestion(deps: CoachDeps, input: { readonly userRef: string; readonly trackId: string | undefined; readonly timeZone: string }): Promise<TodaysQuestion> {
  const track = await requireTrack(deps, input.trackId);
  const localDate = localDateOf(deps.clock.now(), input.timeZone);
  const attempts = await deps.repos.drills.attempts(input.userRef);
  const inTrack = new Set(track.questions.map((q) => q.id));
  // Only earlier days count as history, so answering does not change today's pick.
  const history = attempts.filter((a) => inTrack.has(a.questionId) && localDateOf(a.createdAt, input.timeZone) < localDate).map((a) => a.questionId);
  const question = pickQuestion({ track, questions: track.questions, cohortId: stableHash(input.userRef), localDate, history });
  if (!question) throw new CoachingError("no-questions", `Track ${track.id} has no questions.`);
  const today = attempts.find((a) => a.questionId === question.id && localDateOf(a.createdAt, input.timeZone) === localDate && a.body !== null);
  return { track, question, localDate, attempt: today };
}

/** Answers today's question; answering again the same day replaces the text of the same attempt. */
export async function answerToday(
  deps: CoachDeps,
  input: { readonly userRef: string; readonly trackId: string | undefined; readonly timeZone: string; readonly text: string },
): Promise<{ attemptId: number }> {
  validateAnswerText(input.text);
  const today = await todaysQuestion(deps, input);
  const attempt = await deps.repos.drills.startAttempt(input.userRef, today.question.id, deps.clock.now(), todaysKey(input.userRef, today.track.id, today.localDate));
  await answerDrill(deps, { attemptId: attempt.id, userRef: input.userRef, text: input.text });
  return { attemptId: attempt.id };
}

export async function attemptView(deps: CoachDeps, attemptId: number, userRef: string): Promise<AttemptView> {
  const { attempt, question } = await ownAttempt(deps, attemptId, userRef);
  const followUp = attempt.body === null ? undefined : drillFollowUpOf(question, attempt.id);
  const followUpAnswer = attempt.followUpBody ?? undefined;
  const ai = await drillAiState(deps, attempt.id, question, attempt.ratings);
  return {
    ...(ai ? { ai } : {}),
    attempt,
    question,
    check: attempt.body === null ? undefined : checkAnswer(question, attempt.body),
    followUp: followUp ? { question: followUp, answer: followUpAnswer, check: followUpAnswer === undefined ? undefined : checkFollowUp(question, followUpAnswer) } : undefined,
  };
}

/** Drill cards due by the end of the user's day, soonest first. */
export async function dueDrills(deps: CoachDeps, input: { readonly userRef: string; readonly timeZone: string }): Promise<readonly DueDrill[]> {
  const endOfDay = DateTime.fromJSDate(deps.clock.now(), { zone: input.timeZone }).endOf("day").toJSDate();
  const cards = (await deps.repos.drills.cards(input.userRef)).filter((c) => c.dueAt <= endOfDay);
  const questions = await questionsById(deps, cards.map((c) => c.questionId));
  return cards.flatMap((c) => {
    const question = questions.get(c.questionId);
    return question ? [{ question, dueAt: c.dueAt }] : [];
  });
}

/** Rated attempts, newest first, and each criterion's self-ratings over time (one point per rated attempt). */
export async function practiceHistory(deps: CoachDeps, input: { readonly userRef: string; readonly timeZone: string }): Promise<PracticeHistory> {
  const rated = [...(await deps.repos.drills.ratedAttempts(input.userRef))].sort((a, b) => (a.ratedAt ?? a.createdAt).getTime() - (b.ratedAt ?? b.createdAt).getTime() || a.id - b.id);
  const questions = await questionsById(deps, rated.map((a) => a.questionId));
  const series = new Map<string, { label: string; points: CriterionSeries["points"][number][] }>();
  const attempts: PracticeHistory["attempts"][number][] = [];
  for (const attempt of rated) {
    const question = questions.get(attempt.questionId);
    if (!question) continue;
    attempts.push({ attempt, question });
    const localDate = localDateOf(attempt.ratedAt ?? attempt.createdAt, input.timeZone);
    for (const criterion of question.rubric.criteria) {
      const score = attempt.ratings?.[criterion.id];
      if (score === undefined) continue;
      const entry = series.get(criterion.id) ?? { label: criterion.label, points: [] };
      entry.points.push({ localDate, score, questionId: question.id });
      series.set(criterion.id, entry);
    }
  }
  return {
    attempts: attempts.reverse(),
    criteria: [...series].map(([criterionId, { label, points }]) => ({ criterionId, label, points })).sort((a, b) => a.label.localeCompare(b.label)),
  };
}

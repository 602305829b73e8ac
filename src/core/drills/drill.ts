import { createEmptyCard, fsrs, Rating, TypeConvert, type Grade } from "ts-fsrs";
import { localDateOf } from "../cohorts/schedule.ts";
import type { CoachDeps } from "../deps.ts";
import { CoachingError } from "../errors.ts";
import { requireStorable } from "../text.ts";
import type { AnswerCheck } from "../messages.ts";
import { checkAnswer } from "../answers/check-answer.ts";
import { MAX_ANSWER_LENGTH } from "../answers/submit-answer.ts";
import { POINTS } from "../points/awards.ts";
import type { Question } from "../questions/types.ts";
import { stableHash } from "../random.ts";

/** FSRS-6 with its published default weights (ts-fsrs 5 defaults). */
const scheduler = fsrs();

export interface DrillCard {
  readonly attemptId: number;
  readonly question: Question;
  /** Why this question: "due for review", "targets your weakest criterion: ...", "new". */
  readonly reason: string;
}

export interface DrillFeedback {
  readonly attemptId: number;
  readonly question: Question;
  readonly check: AnswerCheck;
}

/** Lower is weaker: peer results on daily answers and the member's own drill ratings. */
async function criterionAverages(deps: CoachDeps, userRef: string): Promise<Map<string, number>> {
  const [peerTotals, attempts] = await Promise.all([deps.repos.reviews.resultTotalsForUser(userRef), deps.repos.drills.ratedAttempts(userRef)]);
  const sums = new Map([...peerTotals].map(([criterionId, sum]) => [criterionId, { ...sum }]));
  const add = (criterionId: string, score: number) => {
    const entry = sums.get(criterionId) ?? { total: 0, count: 0 };
    sums.set(criterionId, { total: entry.total + score, count: entry.count + 1 });
  };
  for (const attempt of attempts) {
    for (const [criterionId, score] of Object.entries(attempt.ratings ?? {})) add(criterionId, score);
  }
  return new Map([...sums].map(([id, { total, count }]) => [id, total / count]));
}

/**
 * Picks a practice question: a card that is due by spaced repetition first; else an
 * unseen question whose rubric holds the member's weakest criteria; else the card
 * due soonest.
 */
export async function startDrill(
  deps: CoachDeps,
  input: { readonly userRef: string; readonly trackId: string | undefined; readonly category?: string | undefined; readonly requestKey?: string },
): Promise<DrillCard> {
  const tracks = await deps.repos.questions.activeTracks();
  const trackId = input.trackId?.trim().toLowerCase();
  if (!trackId) throw new CoachingError("bad-arguments", `Say which track to drill, for example: /drill ${tracks[0]?.id ?? "humana/ai-pm"}. Tracks: ${tracks.map((t) => t.id).join(", ")}.`);
  const track = tracks.find((t) => t.id === trackId);
  if (!track) throw new CoachingError("unknown-track", `There is no track "${trackId}". Available: ${tracks.map((t) => t.id).join(", ")}.`);
  const category = input.category?.trim().toLowerCase();
  if (category && !track.categories.some((c) => c.id === category)) {
    throw new CoachingError("bad-arguments", `Track ${track.id} has no category "${category}". Categories: ${track.categories.map((c) => c.id).join(", ")}.`);
  }
  const pool = track.questions.filter((q) => !category || q.category.id === category);
  const now = deps.clock.now();
  const cards = new Map((await deps.repos.drills.cards(input.userRef)).map((c) => [c.questionId, c]));
  const seen = pool.filter((q) => cards.has(q.id)).sort((a, b) => cards.get(a.id)!.dueAt.getTime() - cards.get(b.id)!.dueAt.getTime());
  const due = seen.find((q) => cards.get(q.id)!.dueAt <= now);
  let question: Question | undefined = due;
  let reason = "due for review";
  if (!question) {
    const averages = await criterionAverages(deps, input.userRef);
    const weakness = (q: Question) => Math.min(...q.rubric.criteria.map((c) => averages.get(c.id) ?? 3.5));
    const seed = `${input.userRef}:${localDateOf(now, "UTC")}`;
    const unseen = pool.filter((q) => !cards.has(q.id)).sort((a, b) => weakness(a) - weakness(b) || stableHash(`${seed}:${a.id}`) - stableHash(`${seed}:${b.id}`));
    question = unseen[0];
    if (question) {
      const weakest = [...question.rubric.criteria].sort((a, b) => (averages.get(a.id) ?? 3.5) - (averages.get(b.id) ?? 3.5))[0]!;
      reason = averages.has(weakest.id) ? `targets your weakest criterion: ${weakest.label}` : "new to you";
    }
  }
  if (!question) {
    question = seen[0];
    reason = "next review coming up";
  }
  if (!question) throw new CoachingError("no-questions", `Track ${track.id} has no questions${category ? ` in ${category}` : ""}.`);
  const attempt = await deps.repos.drills.startAttempt(input.userRef, question.id, now, input.requestKey && `drill:${input.userRef}:${input.requestKey}`);
  if (attempt.questionId !== question.id) {
    // A retried start: the first one already chose, and the answer belongs to that question.
    return { attemptId: attempt.id, question: (await ownAttempt(deps, attempt.id, input.userRef)).question, reason };
  }
  return { attemptId: attempt.id, question, reason };
}

export async function ownAttempt(deps: CoachDeps, attemptId: number, userRef: string) {
  const attempt = await deps.repos.drills.getAttempt(attemptId);
  if (!attempt || attempt.userRef !== userRef) throw new CoachingError("unknown-drill", "That drill belongs to someone else or has expired. Start a new one with /drill.");
  const question = await deps.repos.questions.get(attempt.questionId);
  if (!question) throw new CoachingError("unknown-drill", "That drill's question no longer exists. Start a new one with /drill.");
  return { attempt, question };
}

/** The trimmed answer, or the reason it is refused; callers check before writing anything. */
export function validateAnswerText(raw: string): string {
  const text = requireStorable(raw, "answer").trim();
  if (text.length === 0) throw new CoachingError("answer-empty", "That answer is empty. Write your answer and send it again.");
  if (text.length > MAX_ANSWER_LENGTH) throw new CoachingError("answer-too-long", `Your answer is ${text.length} characters; the limit is ${MAX_ANSWER_LENGTH}. Nothing was saved.`);
  return text;
}

export async function answerDrill(deps: CoachDeps, input: { readonly attemptId: number; readonly userRef: string; readonly text: string }): Promise<DrillFeedback> {
  const text = validateAnswerText(input.text);
  const { question } = await ownAttempt(deps, input.attemptId, input.userRef);
  await deps.repos.drills.saveAnswer(input.attemptId, text);
  return { attemptId: input.attemptId, question, check: checkAnswer(question, text) };
}

/** Criterion ids of a drill attempt's rubric, in display order; only its owner may ask. */
export async function drillCriteria(deps: CoachDeps, attemptId: number, userRef: string): Promise<readonly string[]> {
  const attempt = await deps.repos.drills.getAttempt(attemptId);
  const question = attempt && attempt.userRef === userRef ? await deps.repos.questions.get(attempt.questionId) : undefined;
  if (!question) throw new CoachingError("unknown-drill", "That drill belongs to someone else or has expired. Start a new one with /drill.");
  return question.rubric.criteria.map((c) => c.id);
}

/** Self-rating 1-5 per criterion maps to an FSRS grade: the weaker the answer, the sooner it returns. */
export function fsrsGrade(ratings: readonly number[]): Grade {
  const average = ratings.reduce((s, r) => s + r, 0) / ratings.length;
  if (average < 2) return Rating.Again;
  if (average < 3) return Rating.Hard;
  if (average < 4.5) return Rating.Good;
  return Rating.Easy;
}

export async function rateDrill(
  deps: CoachDeps,
  input: { readonly attemptId: number; readonly userRef: string; readonly ratings: Readonly<Record<string, number>>; readonly cohortId?: number; readonly season?: number },
): Promise<{ nextDueAt: Date; pointsAwarded: number; aiReviewer?: string }> {
  const { attempt, question } = await ownAttempt(deps, input.attemptId, input.userRef);
  const criteria = question.rubric.criteria.map((c) => c.id);
  // The ratings come back from a button payload: only its own keys count, never inherited ones.
  const values = criteria.map((id) => (Object.hasOwn(input.ratings, id) ? input.ratings[id] : undefined));
  if (values.some((v) => v === undefined || !Number.isInteger(v) || v < 1 || v > 5)) {
    throw new CoachingError("bad-score", `Rate every criterion from 1 to 5: ${question.rubric.criteria.map((c) => c.label).join(", ")}.`);
  }
  const now = deps.clock.now();
  const existing = (await deps.repos.drills.cards(input.userRef)).find((c) => c.questionId === attempt.questionId);
  if (!(await deps.repos.drills.rate(attempt.id, input.ratings, now))) {
    return { nextDueAt: existing?.dueAt ?? now, pointsAwarded: 0 };
  }
  // The AI's view follows the self-rating, in the background, so the member can compare.
  const aiReviewer = deps.ai && attempt.body !== null ? deps.ai.reviewer.model : undefined;
  if (aiReviewer) await deps.repos.aiReviews.enqueueDrill(attempt.id, input.userRef, aiReviewer, now);
  const card = existing ? TypeConvert.card(existing.card as Parameters<typeof TypeConvert.card>[0]) : createEmptyCard(now);
  const next = scheduler.next(card, now, fsrsGrade(values as number[])).card;
  await deps.repos.drills.saveCard(input.userRef, { questionId: attempt.questionId, card: next, dueAt: next.due }, now);
  let pointsAwarded = 0;
  if (input.cohortId !== undefined) {
    const today = localDateOf(now, "UTC");
    // The slot number caps drill points per day through the ledger's unique key.
    for (let slot = 1; slot <= POINTS.drillsPerDay; slot++) {
      const awarded = await deps.repos.points.award(
        { cohortId: input.cohortId, userRef: input.userRef, season: input.season ?? 1, kind: "drill", source: `${input.userRef}:${today}:${slot}`, points: POINTS.drill, localDate: today },
        now,
      );
      if (awarded) {
        pointsAwarded = POINTS.drill;
        break;
      }
    }
  }
  return { nextDueAt: next.due, pointsAwarded, ...(aiReviewer ? { aiReviewer } : {}) };
}

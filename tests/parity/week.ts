import { expect } from "vitest";
import type { Actor } from "../../src/core/cohorts/types.ts";
import { leaderboardPeriods, type Leaderboard, type LeaderboardPeriod } from "../../src/core/points/leaderboard.ts";
import type { CriterionResult } from "../../src/core/prompts/types.ts";
import type { CohortRun, RenderedBoard, RenderedFeedback, RenderedResults } from "./platform.ts";
import { answerText, localInstant, MEMBER_INDEXES, NEXT_POSTING_DAY, OPTED_IN, reviewStep, SETUP_AT, WEEK } from "./script.ts";

/** A leaderboard as the engine returns it, user refs replaced by member indexes. */
export interface EngineBoard {
  readonly period: LeaderboardPeriod;
  readonly label: string;
  readonly top: readonly { rank: number; member: number; displayName: string; points: number }[];
  readonly around: readonly { rank: number; member: number; displayName: string; points: number }[];
  readonly me: { rank: number; member: number; points: number } | null;
  readonly quality: readonly { rank: number; member: number; displayName: string; score: number; answers: number }[];
}

export interface DayOutcome {
  readonly date: string;
  readonly questionId: string;
  readonly steps: Readonly<Record<string, string>>;
  /** Each answer with its results as stored right after the day's close (a later close's refit re-estimates them). */
  readonly answers: readonly { member: number; body: string; withdrawn: boolean; results: readonly CriterionResult[] }[];
  readonly assignments: readonly { reviewer: number; author: number; submitted: boolean; comment: string | null; scores: Readonly<Record<string, number>> }[];
  readonly results: RenderedResults;
  readonly feedback: readonly { member: number; rendered: RenderedFeedback | undefined }[];
}

export interface WeekOutcome {
  readonly platform: CohortRun["platform"];
  /** Member i's user ref, i = 0..5. */
  readonly refs: readonly string[];
  /** Every scheduler tick: when, and which step of which day's prompt it ran or skipped. */
  readonly ticks: readonly { at: string; ran: string[]; skipped: string[] }[];
  readonly days: readonly DayOutcome[];
  readonly ledger: readonly { member: number; kind: string; points: number; localDate: string; season: number }[];
  readonly totals: readonly number[];
  readonly me: readonly unknown[];
  /** Friday 12:00, after Friday's answers: the week so far. */
  readonly checkpoint: { readonly engine: Readonly<Record<LeaderboardPeriod, EngineBoard>>; readonly rendered: Readonly<Record<number, RenderedBoard>> };
  /** Monday 9 Nov after Friday's reviews closed. */
  readonly final: {
    readonly engine: Readonly<Record<LeaderboardPeriod, EngineBoard>>;
    /** `leaderboard all` as each member saw it. */
    readonly renderedAll: readonly RenderedBoard[];
    readonly renderedMonth: RenderedBoard;
    readonly renderedSeason: RenderedBoard;
  };
  readonly unknownCalls: readonly unknown[];
}

const HOUR = 3_600_000;
type TickStep = { readonly promptId: number; readonly step: string };
const at = (date: string, hour: number, minute = 0) => localInstant(date, `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`);

/** Runs the whole scripted week on one platform and reads back everything worth comparing. */
export async function runWeek(run: CohortRun): Promise<WeekOutcome> {
  const memberOf = (ref: string): number => {
    const member = MEMBER_INDEXES.find((m) => run.ref(m) === ref);
    if (member === undefined) throw new Error(`${ref} is not a scripted member on ${run.platform}`);
    return member;
  };
  const engineBoards = async (viewer: number) => {
    const boards = {} as Record<LeaderboardPeriod, EngineBoard>;
    for (const period of leaderboardPeriods) boards[period] = normalizeBoard(await run.coach.leaderboard(run.address, run.ref(viewer), period), memberOf);
    return boards;
  };

  run.clock.set(SETUP_AT);
  await run.setup();
  for (const member of OPTED_IN) await run.optIn(member);
  const cohort = await run.coach.requireCohort(run.address);

  const promptIds: number[] = [];
  const reports: { at: string; ran: TickStep[]; skipped: TickStep[] }[] = [];
  // What each close stored for its prompt's answers, read as soon as it ran: what the authors were told.
  const resultsAtClose = new Map<number, ReadonlyMap<number, readonly CriterionResult[]>>();
  const tick = async (instant: Date) => {
    run.clock.set(instant);
    const report = await run.coach.tick();
    reports.push({ at: instant.toISOString(), ran: [...report.ran], skipped: [...report.skipped] });
    for (const { promptId, step } of report.ran) if (step === "close") resultsAtClose.set(promptId, await run.repos.reviews.promptResults(promptId));
  };

  let checkpoint: WeekOutcome["checkpoint"] | undefined;
  for (const [day, script] of WEEK.entries()) {
    await tick(at(script.date, 9));
    const prompt = (await run.repos.prompts.forCohort(cohort.id)).find((p) => p.localDate === script.date);
    if (!prompt?.messageRef) throw new Error(`${run.platform}: no question posted on ${script.date}`);
    promptIds.push(prompt.id);
    const next = WEEK[day + 1]?.date ?? NEXT_POSTING_DAY;
    expect({ postAt: prompt.postAt, answersCloseAt: prompt.answersCloseAt, reviewsCloseAt: prompt.reviewsCloseAt }).toEqual({
      postAt: at(script.date, 9),
      answersCloseAt: at(script.date, 17),
      reviewsCloseAt: at(next, 9),
    });

    for (const [i, step] of script.answers.entries()) {
      run.clock.set(at(script.date, 10, i * 5));
      await run.answer(prompt.id, step.member, answerText(day, step.member), step[run.platform]);
    }
    run.clock.set(at(script.date, 11));
    for (const member of script.edits) await run.edit(prompt.id, member, answerText(day, member, true));
    run.clock.set(at(script.date, 11, 30));
    for (const member of script.withdrawals) await run.withdraw(prompt.id, member);

    if (day === WEEK.length - 1) {
      run.clock.set(at(script.date, 12));
      const rendered: Record<number, RenderedBoard> = {};
      for (const viewer of [0, 3]) rendered[viewer] = await run.leaderboard(viewer, "week");
      checkpoint = { engine: await engineBoards(0), rendered };
    }

    await tick(new Date(prompt.answersCloseAt.getTime() - HOUR)); // the one-hour reminder
    await tick(prompt.answersCloseAt); // answers close, reviewers drawn
    run.clock.set(at(script.date, 18));
    for (const reviewer of MEMBER_INDEXES) {
      await run.review(prompt.id, reviewer, (view) => reviewStep(day, reviewer, view.index, view.author, view.criteria));
    }
    await tick(new Date(prompt.reviewsCloseAt.getTime() - 2 * HOUR)); // reminder to reviewers with reviews left
  }
  // Friday's reviews close when Monday's question goes out.
  await tick(at(NEXT_POSTING_DAY, 9));
  run.clock.set(at(NEXT_POSTING_DAY, 9, 30));

  // Prompts named by the day they belong to, so both databases' ids do not matter.
  const dayOf = (step: TickStep) => `${promptIds.includes(step.promptId) ? `day ${promptIds.indexOf(step.promptId)}` : "the next week's first prompt"}: ${step.step}`;
  const ticks = reports.map((r) => ({ at: r.at, ran: r.ran.map(dayOf), skipped: r.skipped.map(dayOf) }));

  const days: DayOutcome[] = [];
  for (const [day, promptId] of promptIds.entries()) {
    const prompt = (await run.repos.prompts.get(promptId))!;
    const answers: DayOutcome["answers"][number][] = [];
    for (const member of MEMBER_INDEXES) {
      const answer = await run.repos.answers.find(promptId, run.ref(member));
      if (answer) answers.push({ member, body: answer.body, withdrawn: answer.withdrawnAt !== null, results: resultsAtClose.get(promptId)?.get(answer.id) ?? [] });
    }
    const assignments: DayOutcome["assignments"][number][] = [];
    for (const assignment of await run.repos.reviews.forPrompt(promptId)) {
      const answer = (await run.repos.answers.get(assignment.answerId))!;
      assignments.push({
        reviewer: memberOf(assignment.reviewerRef),
        author: memberOf(answer.userRef),
        submitted: assignment.submittedAt !== null,
        comment: assignment.comment,
        scores: Object.fromEntries([...(await run.repos.reviews.scores(assignment.id))].sort(([a], [b]) => a.localeCompare(b))),
      });
    }
    assignments.sort((a, b) => a.author - b.author || a.reviewer - b.reviewer);
    const feedback: DayOutcome["feedback"][number][] = [];
    for (const member of MEMBER_INDEXES) feedback.push({ member, rendered: await run.feedback(promptId, member) });
    days.push({
      date: WEEK[day]!.date,
      questionId: prompt.questionId,
      steps: Object.fromEntries([...(await run.repos.prompts.steps(promptId))].sort(([a], [b]) => a.localeCompare(b))),
      answers,
      assignments,
      results: await run.results(promptId),
      feedback,
    });
  }

  const ledger = (await run.repos.points.all(cohort.id))
    .map((e) => ({ member: memberOf(e.userRef), kind: e.kind, points: e.points, localDate: e.localDate, season: e.season }))
    .sort((a, b) => a.member - b.member || a.localDate.localeCompare(b.localDate) || a.kind.localeCompare(b.kind) || a.points - b.points);
  const totals = MEMBER_INDEXES.map((m) => ledger.filter((e) => e.member === m).reduce((sum, e) => sum + e.points, 0));
  const me: unknown[] = [];
  for (const member of MEMBER_INDEXES) {
    const actor: Actor = { userRef: run.ref(member), displayName: `Learner ${member + 1}`, isPlatformAdmin: false };
    me.push(await run.coach.me(run.address, actor));
  }
  const renderedAll: RenderedBoard[] = [];
  for (const viewer of MEMBER_INDEXES) renderedAll.push(await run.leaderboard(viewer, "all"));

  if (!checkpoint) throw new Error("the Friday checkpoint never ran");
  return {
    platform: run.platform,
    refs: MEMBER_INDEXES.map((m) => run.ref(m)),
    ticks,
    days,
    ledger,
    totals,
    me,
    checkpoint,
    final: { engine: await engineBoards(0), renderedAll, renderedMonth: await run.leaderboard(0, "month"), renderedSeason: await run.leaderboard(0, "season") },
    unknownCalls: [...run.unknownCalls()],
  };
}

function normalizeBoard(board: Leaderboard, memberOf: (ref: string) => number): EngineBoard {
  const row = (r: Leaderboard["top"][number]) => ({ rank: r.rank, member: memberOf(r.userRef), displayName: r.displayName, points: r.points });
  return {
    period: board.period,
    label: board.label,
    top: board.top.map(row),
    around: board.around.map(row),
    me: board.me ? { rank: board.me.rank, member: memberOf(board.me.userRef), points: board.me.points } : null,
    quality: board.quality.map((q) => ({ rank: q.rank, member: memberOf(q.userRef), displayName: q.displayName, score: q.score, answers: q.answers })),
  };
}

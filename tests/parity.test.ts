import { beforeAll, describe, expect, it } from "vitest";
import { bank } from "./slack/harness.ts";
import { testDatabases } from "./support/databases.ts";
import { startDiscordRun } from "./parity/discord-run.ts";
import type { CohortRun, RenderedBoard } from "./parity/platform.ts";
import { HARSH, LENIENT, MEMBER_INDEXES, WEEK } from "./parity/script.ts";
import { startSlackRun } from "./parity/slack-run.ts";
import { runWeek, type EngineBoard, type WeekOutcome } from "./parity/week.ts";

/**
 * Acceptance: a cohort run for a week on Discord and one on Slack, from the same fixed
 * script of answers and clicks (tests/parity/script.ts), end with identical scores and
 * leaderboards. Each platform runs its real adapter against its local fake, with its own
 * database and clock; the scheduler's tick is called at each step's time. Everything is
 * compared by member index (member i is U0L<i+1> on Slack and learner<i+1> on Discord).
 */

const questions = new Map(bank.tracks.flatMap((t) => t.questions).map((q) => [q.id, q]));

async function outcomeOf(start: Promise<CohortRun>): Promise<WeekOutcome> {
  const run = await start;
  try {
    return await runWeek(run);
  } finally {
    await run.close();
  }
}

/** What a member reads on a leaderboard, from the engine's own board. */
const asRendered = (board: EngineBoard): RenderedBoard => ({
  label: board.label,
  top: [...board.top, ...board.around].map((r) => ({ rank: r.rank, member: r.member, points: r.points })),
  quality: board.quality.map((q) => ({ rank: q.rank, member: q.member, score: q.score.toFixed(2), answers: q.answers })),
  me: board.me ? { rank: board.me.rank, points: board.me.points } : null,
});

describe.each(testDatabases())("Slack and Discord parity over a scripted week on $name", (target) => {
  let slack: WeekOutcome;
  let discord: WeekOutcome;

  beforeAll(async () => {
    // The two cohorts share nothing (fakes, databases, clocks), so they run side by side.
    const [s, d] = await Promise.allSettled([outcomeOf(startSlackRun(target)), outcomeOf(startDiscordRun(target))]);
    if (s.status === "rejected") throw s.reason;
    if (d.status === "rejected") throw d.reason;
    slack = s.value;
    discord = d.value;
  }, 900_000);

  it("numbers members so that their refs sort alike, which is what the reviewer draw orders by", () => {
    for (const outcome of [slack, discord]) expect([...outcome.refs].sort()).toEqual(outcome.refs);
    expect(slack.refs[0]).toBe("slack:T0FAKE:U0L1");
    expect(discord.refs[0]).toMatch(/^discord:\d+$/);
  });

  it("ran the same scheduler steps at the same times", () => {
    expect(slack.ticks).toEqual(discord.ticks);
    const ran = slack.ticks.flatMap((t) => t.ran);
    for (const [day] of WEEK.entries()) {
      for (const step of ["post", "answer-reminder", "open-reviews", "reviewer-reminder", "close"]) expect(ran).toContain(`day ${day}: ${step}`);
    }
    expect(slack.ticks.flatMap((t) => t.skipped)).toEqual([]);
  });

  it("posted the same questions and drew the same reviewers, who clicked the same scores", () => {
    const what = (o: WeekOutcome) =>
      o.days.map((d) => ({ date: d.date, questionId: d.questionId, steps: d.steps, answers: d.answers.map((a) => ({ member: a.member, body: a.body, withdrawn: a.withdrawn })), assignments: d.assignments }));
    expect(what(slack)).toEqual(what(discord));

    // Not vacuous: five distinct questions, reviews on every day, some left unsubmitted.
    expect(new Set(slack.days.map((d) => d.questionId)).size).toBe(5);
    const assignments = slack.days.flatMap((d) => d.assignments);
    expect(slack.days.every((d) => d.assignments.some((a) => a.submitted))).toBe(true);
    expect(assignments.filter((a) => !a.submitted).length).toBeGreaterThanOrEqual(3);
    expect(assignments.some((a) => !a.submitted && Object.keys(a.scores).length > 0)).toBe(true);
    expect(assignments.filter((a) => a.comment !== null)).toHaveLength(2);
    expect(assignments.some((a) => a.reviewer === HARSH && a.submitted)).toBe(true);
    expect(assignments.some((a) => a.reviewer === LENIENT && a.submitted)).toBe(true);
    // Member 5 reviews on Tuesday and Friday without answering (review on).
    for (const day of [1, 4]) {
      expect(slack.days[day]!.answers.some((a) => a.member === 5)).toBe(false);
      expect(slack.days[day]!.assignments.some((a) => a.reviewer === 5)).toBe(true);
    }
    // Wednesday's withdrawn answer is not reviewed.
    expect(slack.days[2]!.answers.find((a) => a.member === 4)?.withdrawn).toBe(true);
    expect(slack.days[2]!.assignments.some((a) => a.author === 4)).toBe(false);
  });

  it("ends with identical corrected per-criterion scores for every answer", () => {
    const scores = (o: WeekOutcome) => o.days.map((d) => d.answers.map((a) => ({ member: a.member, results: a.results })));
    expect(scores(slack)).toEqual(scores(discord));

    const results = slack.days.flatMap((d) => d.answers.filter((a) => !a.withdrawn).flatMap((a) => a.results.map((r) => ({ ...r, member: a.member }))));
    expect(results.length).toBeGreaterThan(40);
    // Members differ, and the bias model moved scores away from the plain means.
    const perMember = MEMBER_INDEXES.map((m) => results.filter((r) => r.member === m).reduce((s, r) => s + r.score, 0) / results.filter((r) => r.member === m).length);
    expect(new Set(perMember.map((s) => s.toFixed(2))).size).toBeGreaterThanOrEqual(4);
    expect(results.some((r) => Math.abs(r.score - r.plainMean) > 0.25)).toBe(true);
  });

  it("corrects for harsh and lenient reviewers: the corrections are visible in the shared scores", () => {
    /**
     * Corrected minus plain mean, per criterion, of answers graded by `by` and not by `without`.
     * Left out: scores clamped at an end, and grades averaging within half a point of an end,
     * whose buttons could not go further that way (a weak answer's 1s hide how weak it is).
     */
    const corrections = (by: number, without: number) =>
      slack.days.flatMap((d) =>
        d.answers
          .filter((a) => !a.withdrawn)
          .filter((a) => {
            const graders = d.assignments.filter((x) => x.author === a.member && x.submitted).map((x) => x.reviewer);
            return graders.includes(by) && !graders.includes(without);
          })
          .flatMap((a) => a.results.filter((r) => r.score > 1 && r.score < 5 && r.plainMean > 1.5 && r.plainMean < 4.5).map((r) => r.score - r.plainMean)),
      );
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    const harsh = corrections(HARSH, LENIENT);
    expect(harsh.length).toBeGreaterThan(10);
    // A criterion that only a handful of grades reach gets a near-zero correction, and every score is also
    // pulled toward its author's usual level, so an answer may move a few hundredths the wrong way; none may
    // move far the wrong way, and fewer than one in ten by as much as 0.05 (half the 0.1 members are shown).
    const visiblyWrong = (wrong: number[], all: number[]) => wrong.length / all.length;
    expect(harsh.every((c) => c > -0.2)).toBe(true);
    expect(visiblyWrong(harsh.filter((c) => c <= -0.05), harsh)).toBeLessThan(0.1);
    expect(mean(harsh)).toBeGreaterThan(0.15);
    const lenient = corrections(LENIENT, HARSH);
    expect(lenient.length).toBeGreaterThan(10);
    expect(lenient.every((c) => c < 0.2)).toBe(true);
    expect(visiblyWrong(lenient.filter((c) => c >= 0.05), lenient)).toBeLessThan(0.1);
    expect(mean(lenient)).toBeLessThan(-0.15);
  });

  it("awards every member the same points", () => {
    expect(slack.ledger).toEqual(discord.ledger);
    expect(slack.totals).toEqual(discord.totals);
    expect(slack.me).toEqual(discord.me);

    expect(new Set(slack.totals).size).toBeGreaterThanOrEqual(4);
    const kinds = new Set(slack.ledger.map((e) => e.kind));
    for (const kind of ["answer", "streak", "review", "quality"]) expect(kinds).toContain(kind);
    // Member 0 answered all five days: a streak bonus on each of days 2-5.
    expect(slack.ledger.filter((e) => e.member === 0 && e.kind === "streak").map((e) => e.points)).toEqual([2, 4, 6, 8]);
    // Member 4's deleted answer was reversed.
    expect(slack.ledger.some((e) => e.member === 4 && e.localDate === WEEK[2]!.date && e.points === -10)).toBe(true);
  });

  it("returns identical leaderboards from the engine, mid-week and at the end", () => {
    expect(slack.checkpoint.engine).toEqual(discord.checkpoint.engine);
    expect(slack.final.engine).toEqual(discord.final.engine);

    expect(slack.checkpoint.engine.week.label).toBe("Week of 2 Nov");
    expect(slack.checkpoint.engine.week.top).toHaveLength(6);
    expect(slack.final.engine.all.top).toHaveLength(6);
    expect(slack.final.engine.all.quality.length).toBeGreaterThan(0);
    expect(slack.final.engine.month.top).toEqual(slack.final.engine.all.top);
    // After the week, the new week has no points yet (Monday's question is just out).
    expect(slack.final.engine.week.top).toEqual([]);
    expect(new Set(slack.final.engine.all.top.map((r) => r.points)).size).toBeGreaterThanOrEqual(4);
  });

  it("renders the same leaderboards on Slack and Discord, matching the engine's", () => {
    expect(slack.checkpoint.rendered).toEqual(discord.checkpoint.rendered);
    expect(slack.final.renderedAll).toEqual(discord.final.renderedAll);
    expect(slack.final.renderedMonth).toEqual(discord.final.renderedMonth);
    expect(slack.final.renderedSeason).toEqual(discord.final.renderedSeason);

    expect(slack.checkpoint.rendered[0]).toEqual(asRendered(slack.checkpoint.engine.week));
    expect(slack.final.renderedAll[0]).toEqual(asRendered(slack.final.engine.all));
    expect(slack.final.renderedMonth).toEqual(asRendered(slack.final.engine.month));
    expect(slack.final.renderedSeason).toEqual(asRendered(slack.final.engine.season));
    // Each member sees the same board with their own rank.
    for (const member of MEMBER_INDEXES) {
      const board = slack.final.renderedAll[member]!;
      expect(board.top).toEqual(slack.final.renderedAll[0]!.top);
      const own = board.top.find((r) => r.member === member)!;
      expect(board.me).toEqual({ rank: own.rank, points: own.points });
    }
  });

  it("posts the same results and sends each author the same feedback", () => {
    expect(slack.days.map((d) => d.results)).toEqual(discord.days.map((d) => d.results));
    expect(slack.days.map((d) => d.feedback)).toEqual(discord.days.map((d) => d.feedback));

    for (const day of slack.days) {
      expect(day.results.answered).toBe(day.answers.filter((a) => !a.withdrawn).length);
      expect(day.results.top.length).toBeGreaterThan(0);
      // The top answers carry each answer's mean corrected score.
      for (const top of day.results.top) {
        const results = day.answers.find((a) => a.member === top.member && !a.withdrawn)!.results;
        expect(top.score).toBe((results.reduce((sum, r) => sum + r.score, 0) / results.length).toFixed(2));
      }
      for (const { member, rendered } of day.feedback) {
        const answer = day.answers.find((a) => a.member === member && !a.withdrawn);
        if (!answer) {
          expect(rendered).toBeUndefined();
          continue;
        }
        const rubric = questions.get(day.questionId)!.rubric.criteria;
        expect(rendered).toEqual({
          criteria: rubric.flatMap((c) => {
            const r = answer.results.find((x) => x.criterionId === c.id);
            return r ? [{ label: c.label, score: r.score.toFixed(1), uncertainty: r.uncertainty.toFixed(1), reviews: r.gradeCount }] : [];
          }),
          comments: day.assignments.filter((a) => a.author === member && a.submitted && a.comment).map((a) => a.comment),
        });
      }
    }
    expect(slack.days[0]!.feedback.flatMap((f) => f.rendered?.comments ?? [])).toEqual(["Lead with the baseline number."]);
  });

  it("made no Web API or REST call the fakes do not know", () => {
    expect(slack.unknownCalls).toEqual([]);
    expect(discord.unknownCalls).toEqual([]);
  });
});

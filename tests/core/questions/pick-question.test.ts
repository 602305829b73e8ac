import path from "node:path";
import { describe, expect, it } from "vitest";
import { pickQuestion } from "../../../src/core/questions/pick-question.ts";
import { loadQuestionBank } from "../../../src/questions/loader.ts";

const track = loadQuestionBank(path.resolve(import.meta.dirname, "../../../questions")).tracks.find((t) => t.id === "humana/ai-pm")!;

function runDays(cohortId: number, days: number): string[] {
  const history: string[] = [];
  for (let day = 0; day < days; day++) {
    const localDate = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
    history.push(pickQuestion({ track, questions: track.questions, cohortId, localDate, history })!.id);
  }
  return history;
}

describe("choosing the day's question", () => {
  it("walks the track's categories in turn", () => {
    const categoryOf = new Map(track.questions.map((q) => [q.id, q.category.id]));
    const firstRound = runDays(1, track.categories.length).map((id) => categoryOf.get(id));
    expect(firstRound).toEqual(track.categories.map((c) => c.id));
  });

  it("repeats no question until the whole track has been used", () => {
    const history = runDays(1, track.questions.length);
    expect(new Set(history).size).toBe(track.questions.length);
    const next = runDays(1, track.questions.length + 1).at(-1)!;
    expect(history).toContain(next);
  });

  it("gives the same sequence for the same cohort and dates, and a different one for another cohort", () => {
    expect(runDays(7, 10)).toEqual(runDays(7, 10));
    expect(runDays(8, 10)).not.toEqual(runDays(7, 10));
  });

  it("skips retired questions by only choosing among those it is given", () => {
    const active = track.questions.slice(1);
    const picked = Array.from({ length: 30 }, (_, day) =>
      pickQuestion({ track, questions: active, cohortId: 3, localDate: `2026-02-${String(day + 1).padStart(2, "0")}`, history: [] })!.id,
    );
    expect(picked).not.toContain(track.questions[0]!.id);
  });
});

import { describe, expect, it } from "vitest";
import { assignReviewers } from "../../../src/core/reviews/assign-reviewers.ts";

const answers = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, authorRef: `u${i + 1}` }));

describe("drawing peer reviewers", () => {
  it.each([2, 3, 4, 6, 11])("gives each of %i answers up to k reviewers, never the author, nobody over k+1", (n) => {
    const pairs = assignReviewers({ answers: answers(n), optedIn: [], k: 3, previousPairs: new Set(), seed: `s${n}` });
    const load = new Map<string, number>();
    for (const answer of answers(n)) {
      const reviewers = pairs.filter((p) => p.answerId === answer.id).map((p) => p.reviewerRef);
      expect(reviewers).not.toContain(answer.authorRef);
      expect(new Set(reviewers).size).toBe(reviewers.length);
      expect(reviewers).toHaveLength(Math.min(3, n - 1));
      for (const r of reviewers) load.set(r, (load.get(r) ?? 0) + 1);
    }
    expect(Math.max(...load.values())).toBeLessThanOrEqual(4);
  });

  it("uses opted-in reviewers who did not answer", () => {
    const pairs = assignReviewers({ answers: answers(2), optedIn: ["helper"], k: 2, previousPairs: new Set(), seed: "x" });
    expect(pairs.filter((p) => p.reviewerRef === "helper")).toHaveLength(2);
  });

  it("avoids yesterday's reviewer-author pairs when others are free", () => {
    const first = assignReviewers({ answers: answers(6), optedIn: [], k: 1, previousPairs: new Set(), seed: "day1" });
    const previous = new Set(first.map((p) => `${p.reviewerRef}>u${p.answerId}`));
    const second = assignReviewers({ answers: answers(6), optedIn: [], k: 1, previousPairs: previous, seed: "day2" });
    expect(second.filter((p) => previous.has(`${p.reviewerRef}>u${p.answerId}`))).toEqual([]);
  });

  it("assigns nothing with fewer than two answers", () => {
    expect(assignReviewers({ answers: answers(1), optedIn: ["helper"], k: 3, previousPairs: new Set(), seed: "x" })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { assignReviewers } from "../../../src/core/reviews/assign-reviewers.ts";

const answers = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, authorRef: `u${i + 1}` }));

describe("drawing peer reviewers", () => {
  it.each([2, 3, 4, 6, 11])("gives each of %i answers up to k reviewers, never the author, nobody over k+1", (n) => {
    const pairs = assignReviewers({ answers: answers(n), optedIn: [], k: 3, previousPairs: [], seed: `s${n}` });
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
    const pairs = assignReviewers({ answers: answers(2), optedIn: ["helper"], k: 2, previousPairs: [], seed: "x" });
    expect(pairs.filter((p) => p.reviewerRef === "helper")).toHaveLength(2);
  });

  it("avoids yesterday's reviewer-author pairs when others are free", () => {
    const first = assignReviewers({ answers: answers(6), optedIn: [], k: 1, previousPairs: [], seed: "day1" });
    const previous = first.map((p) => ({ reviewerRef: p.reviewerRef, authorRef: `u${p.answerId}` }));
    const second = assignReviewers({ answers: answers(6), optedIn: [], k: 1, previousPairs: previous, seed: "day2" });
    expect(second.filter((p) => previous.some((q) => q.reviewerRef === p.reviewerRef && q.authorRef === `u${p.answerId}`))).toEqual([]);
  });

  it("draws for 2,000 answers with even loads, never the author, none of the day before's pairs, and the same draw again from the same inputs", () => {
    const n = 2_000;
    const first = assignReviewers({ answers: answers(n), optedIn: [], k: 3, previousPairs: [], seed: "day1" });
    const previous = first.map((p) => ({ reviewerRef: p.reviewerRef, authorRef: `u${p.answerId}` }));
    const second = assignReviewers({ answers: answers(n), optedIn: [], k: 3, previousPairs: previous, seed: "day2" });
    for (const pairs of [first, second]) {
      expect(pairs).toHaveLength(3 * n);
      const load = new Map<string, number>();
      const byAnswer = new Map<number, Set<string>>();
      for (const { answerId, reviewerRef } of pairs) {
        expect(reviewerRef).not.toBe(`u${answerId}`);
        load.set(reviewerRef, (load.get(reviewerRef) ?? 0) + 1);
        byAnswer.set(answerId, (byAnswer.get(answerId) ?? new Set()).add(reviewerRef));
      }
      expect([...byAnswer.values()].every((reviewers) => reviewers.size === 3)).toBe(true);
      expect(load.size).toBe(n);
      expect(Math.min(...load.values())).toBeGreaterThanOrEqual(2);
      expect(Math.max(...load.values())).toBeLessThanOrEqual(4);
    }
    const before = new Set(first.map((p) => `${p.reviewerRef}>${p.answerId}`));
    expect(second.filter((p) => before.has(`${p.reviewerRef}>${p.answerId}`))).toEqual([]);
    expect(assignReviewers({ answers: answers(n), optedIn: [], k: 3, previousPairs: previous, seed: "day2" })).toEqual(second);
  });

  it("assigns nothing with fewer than two answers", () => {
    expect(assignReviewers({ answers: answers(1), optedIn: ["helper"], k: 3, previousPairs: [], seed: "x" })).toEqual([]);
  });
});

import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadQuestionBank } from "../../../src/questions/loader.ts";
import { evaluate, loadEvalSet } from "../../support/answer-eval.ts";
import { repoRoot } from "../../support/process.ts";

describe("the answer check on the hand-labelled evaluation set", () => {
  const answers = loadEvalSet(loadQuestionBank(path.join(repoRoot, "questions")));
  const figures = evaluate(answers);

  it("covers 60+ answers of every kind across all five tracks", () => {
    expect(figures.answers).toBeGreaterThanOrEqual(60);
    expect(figures.tracks).toBe(5);
    expect(new Set(answers.map((a) => a.kind)).size).toBe(6);
  });

  it("finds what strong answers show, and little else (precision >= 0.9, recall >= 0.85)", () => {
    expect(figures.strongPrecision, figures.misses.join("\n")).toBeGreaterThanOrEqual(0.9);
    expect(figures.strongRecall, figures.misses.join("\n")).toBeGreaterThanOrEqual(0.85);
  });

  it("lights at most 10% of cues for keyword lists and names 90% of them as lists", () => {
    expect(figures.listCueShare).toBeLessThanOrEqual(0.1);
    expect(figures.listNamed, figures.misses.join("\n")).toBeGreaterThanOrEqual(0.9);
  });

  it("catches 90% of off-topic answers and answers to a different question", () => {
    expect(figures.offTopicCaught, figures.misses.join("\n")).toBeGreaterThanOrEqual(0.9);
  });

  it("lights more cues for the strong answer than for the mediocre one, with or without a buzzword tail, in 90% of pairs", () => {
    expect(figures.strongBeatsMediocre, figures.misses.join("\n")).toBeGreaterThanOrEqual(0.9);
  });
});

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { repoRoot } from "../support/process.ts";

const questionsDir = path.join(repoRoot, "questions");
const seedsDir = path.resolve(repoRoot, "../shared/seeds");

describe("the shipped question bank", () => {
  const bank = loadQuestionBank(questionsDir);

  it("has the five company tracks", () => {
    expect(bank.tracks.map((t) => t.id).sort()).toEqual([
      "cerner/ai-pm",
      "cvs-health/ai-pm",
      "cvs-health/ml-engineer",
      "humana/ai-pm",
      "oscar-health/ai-pm",
    ]);
  });

  it.each(bank.tracks.map((t) => [t.id, t] as const))("%s has 40+ questions with every category used 3+ times", (_id, track) => {
    expect(track.questions.length).toBeGreaterThanOrEqual(40);
    expect(track.description.trim().split("\n")).toHaveLength(2);
    for (const category of track.categories) {
      expect(track.questions.filter((q) => q.category.id === category.id).length, category.id).toBeGreaterThanOrEqual(3);
    }
  });

  it("scores ML engineers and product managers with different rubrics", () => {
    const questionsOf = (trackId: string) => bank.tracks.find((t) => t.id === trackId)!.questions;
    const mle = questionsOf("cvs-health/ml-engineer");
    expect(new Set(mle.flatMap((q) => q.rubric.criteria.map((c) => c.label))).size).toBeGreaterThanOrEqual(12);
    // Product-manager kinds (product case, cross-functional alignment) never grade an engineer's answer.
    expect(mle.filter((q) => ["product-case", "cross-functional"].includes(q.rubric.id)).map((q) => q.id)).toEqual([]);
    expect(questionsOf("cvs-health/ai-pm").filter((q) => q.rubric.id === "sql-coding").map((q) => q.id)).toEqual([]);
  });
});

/** Case and punctuation folded, as the content rule states it. */
const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim().split(" ").filter(Boolean);
function ngrams(text: string, n: number): Set<string> {
  const w = words(text);
  const out = new Set<string>();
  for (let i = 0; i + n <= w.length; i++) out.add(w.slice(i, i + n).join(" "));
  return out;
}

describe.skipIf(!existsSync(seedsDir))("originality against the seeds", () => {
  it("shares no 12-word sequence with any seed document", () => {
    const seeds = new Set<string>();
    for (const name of readdirSync(seedsDir).filter((n) => n.endsWith(".txt"))) {
      for (const gram of ngrams(readFileSync(path.join(seedsDir, name), "utf8"), 12)) seeds.add(gram);
    }
    const shared: string[] = [];
    for (const name of readdirSync(questionsDir).filter((n) => /\.ya?ml$/.test(n))) {
      for (const gram of ngrams(readFileSync(path.join(questionsDir, name), "utf8"), 12)) {
        if (seeds.has(gram)) shared.push(`${name}: "${gram}"`);
      }
    }
    expect(shared).toEqual([]);
  });
});

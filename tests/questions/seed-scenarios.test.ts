import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import type { Question } from "../../src/core/questions/types.ts";
import { repoRoot } from "../support/process.ts";

/**
 * The practice questions printed in the CVS Health ML-engineer seed
 * (../shared/seeds/001_*.txt), each reduced to the figures and identifiers that make
 * it recognisable. A question that matches every mark of one scenario has kept the
 * seed's scenario with its numbers; sharing one figure (a 200 ms budget, a 14-day
 * lag) is fine, since facts carry over. Listed here rather than parsed from the seed
 * because the seed is not in the repository and its practice questions are prose.
 */
const seedScenarios: readonly { scenario: string; marks: readonly RegExp[] }[] = [
  { scenario: "adherence scoring for the pharmacy app at p99 200 ms and 5k RPS", marks: [/\b200\s*ms\b/i, /\b5\s*k\b|\b5,?000\s*(rps|requests)/i] },
  { scenario: "fraud precision drop after a weekly retrain", marks: [/\bweekly retrain/i, /precision/i, /fraud/i] },
  { scenario: "CVS.com offers personalised within 2 minutes", marks: [/cvs\.com/i, /\b(2|two)\s*minutes?\b/i] },
  { scenario: "adherence AUC drop while refill conversion is flat", marks: [/refill conversion/i] },
  { scenario: "scores missing for 12 percent of app users", marks: [/\b12\s*(%|percent)/i, /default content|missing/i] },
  { scenario: "fraud at 0.2% prevalence with 500 reviews a day", marks: [/\b0\.2\s*%/, /\b500\b/] },
  { scenario: "adherence AUROC jumping from 0.72 to 0.89", marks: [/\b0\.72\b/, /\b0\.89\b/] },
  { scenario: "PDC under 0.8 within 90 days with refill features", marks: [/\bPDC\b/, /\b0\.8\b/, /\b90[- ]days?\b/, /AUR?OC/] },
  { scenario: "Beam features: 30-minute claim count and distinct pharmacies in 7 days", marks: [/distinct pharmac/i, /\b(7|seven)[- ]days?\b/i] },
  { scenario: "feature store with claims up to 14 days late", marks: [/\b14[- ]days?\b/i, /\blate|after the service date|arriv/i, /feature|training/i] },
  { scenario: "dollars saved per 1,000 claims under fixed review capacity", marks: [/per 1,?000 claims/i] },
  { scenario: "SMS refill reminder and 30-day adherence", marks: [/\bSMS\b/i, /\b30[- ]day adherence/i] },
  { scenario: "Vertex AI training step fails reading a protected BigQuery dataset", marks: [/permission|\b403\b/i, /vertex/i, /bigquery/i, /training|pipeline/i, /\bIAM\b|service account/i] },
  { scenario: "leakage-safe PDC-drop label from member_index", marks: [/\bmember_index\b/i] },
  { scenario: "Snowflake dedupe of rx_fills_raw with a 90-day rolling count", marks: [/\brx_fills_raw\b/i] },
  { scenario: "online/offline skew on days since last refill above 2", marks: [/feature_value_(online|offline)|days_since_last_refill/i] },
];

const fullText = (q: Question) => [q.prompt, q.hint ?? "", ...q.followUps, ...q.outline].join("\n");

describe("no question keeps a seed practice scenario with its numbers", () => {
  const bank = loadQuestionBank(path.join(repoRoot, "questions"));
  const questions = bank.tracks.flatMap((t) => t.questions);

  it("finds none of the seed's scenarios in the bank", () => {
    const kept = questions.flatMap((q) =>
      seedScenarios.filter(({ marks }) => marks.every((mark) => mark.test(fullText(q)))).map(({ scenario }) => `${q.id}: ${scenario}`),
    );
    expect(kept).toEqual([]);
  });

  it("recognises a seed scenario when its figures are kept", () => {
    const echo = "Claims fraud is 0.2% of volume and investigators review 500 a day; pick a threshold.";
    expect(seedScenarios.filter(({ marks }) => marks.every((mark) => mark.test(echo))).map((s) => s.scenario)).toEqual([
      "fraud at 0.2% prevalence with 500 reviews a day",
    ]);
  });
});

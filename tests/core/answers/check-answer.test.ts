import { describe, expect, it } from "vitest";
import { checkAnswer, checkVerdict } from "../../../src/core/answers/check-answer.ts";
import type { Question } from "../../../src/core/questions/types.ts";
import { parseTrackFile } from "../../../src/questions/loader.ts";

/** A two-question track whose rubric exercises every phrase feature. */
const TRACK = `
id: test/ml
company: Test Health
role: ML engineer
description: |
  A track for the answer-check tests.
  Two questions about refill outreach and claims fraud.
loop:
  - { round: Modeling, minutes: 45, tests: Modeling judgment. }
categories:
  - { id: modeling, label: Modeling, round: Modeling }
rubrics:
  - id: modeling
    label: Modeling
    criteria:
      - id: design
        label: Experiment design
        levels: { "1": None., "3": Some., "5": Full. }
        cues:
          - { label: an A/B test, any: ["A/B test", holdout], missing: "say how you would compare with a holdout" }
          - { label: a time window, any: ["# weeks", "# days"], missing: "give the test a duration" }
          - { label: point-in-time features, any: ["point in time", "as of"], missing: "build features as of the decision date" }
      - id: metric
        label: Metric
        levels: { "1": None., "3": Some., "5": Full. }
        cues:
          - { label: a ranking metric, any: [precision, recall, "PR-AUC"], missing: "name a metric that fits a rare outcome" }
          - { label: AUROC alone on a rare outcome, against: true, any: ["AUROC alone", "AUC alone"], missing: "AUROC alone hides a rare outcome" }
      - id: scale
        label: Scale
        levels: { "1": None., "3": Some., "5": Full. }
        cues:
          - { label: scale mitigation, any: ["partition* the table", shard*], missing: "say how it scales" }
questions:
  - id: test-001
    category: modeling
    difficulty: 2
    minutes: 20
    prompt: Members on statins often refill late. Design the experiment that tells us whether refill reminder calls from pharmacists raise on-time statin refills.
    follow_ups: [What if pharmacists cannot reach half the members?]
    outline:
      - Randomize members flagged as likely late refillers into a reminder call arm and a holdout.
      - Run for six weeks and compare on-time statin refill rates between the arms.
      - Build the late-refill risk features as of the day before the expected refill date.
      - Report precision of the late-refill flag at pharmacist call capacity.
    rubric: modeling
    not_applicable: [scale]
    cues:
      - { criterion: metric, label: on-time refill rate, any: ["on-time refill*", PDC], missing: "name the refill outcome you measure" }
  - id: test-002
    category: modeling
    difficulty: 2
    minutes: 20
    prompt: A claims fraud model flags pharmacy claims for investigators. Confirmed fraud is rare. How do you evaluate it before investigators rely on it?
    follow_ups: [What threshold would you pick?]
    outline:
      - Fraud is rare, so accuracy is meaningless; report precision and recall at investigator capacity.
      - Validate on a later month of claims than the training months.
      - Compare against the current rules queue on the same claims.
      - Check calibration if investigators see scores as probabilities.
    rubric: modeling
`;

const { track, problems } = parseTrackFile("test.yaml", TRACK);
const [refills, fraud] = track!.questions as [Question, Question];
const lit = (question: Question, text: string) => checkAnswer(question, text).shown.map((c) => c.label);

describe("the instant answer check", () => {
  it("parses the test track", () => expect(problems).toEqual([]));

  it("matches whole words only, so A/B inside other words does not count", () => {
    const text = "I would run an A/B test of the reminder calls on statin members who refill late, measured over six weeks of refills.";
    expect(lit(refills, text)).toContain("an A/B test");
    expect(lit(refills, "We would label members on statins who refill late and call them about refill reminders and the table.")).not.toContain("an A/B test");
  });

  it("reads numbers in digits or in words, and space or hyphen between words", () => {
    expect(lit(refills, "We run the statin refill reminder test with a holdout for 3 weeks and compare on-time refills.")).toContain("a time window");
    expect(lit(refills, "We run the statin refill reminder test with a holdout for three weeks and compare on-time refills.")).toContain("a time window");
    expect(lit(refills, "Statin refill features are computed point-in-time before each reminder call to members.")).toContain("point-in-time features");
  });

  it("quotes the sentence that shows each cue", () => {
    const check = checkAnswer(refills, "Late statin refills are common among members. I would randomize reminder calls against a holdout for four weeks.");
    expect(check.shown.find((c) => c.label === "an A/B test")?.evidence).toBe("I would randomize reminder calls against a holdout for four weeks.");
  });

  it("adds the question's own cues and skips criteria it marks not applicable", () => {
    const check = checkAnswer(refills, "Statin members who refill late get pharmacist reminder calls; we compare on-time refill rates against a holdout.");
    expect(check.shown.map((c) => c.label)).toContain("on-time refill rate");
    expect([...check.shown, ...check.missing].map((c) => c.criterionId)).not.toContain("scale");
  });

  it("counts a negative cue against the answer, but not when the answer rejects it", () => {
    const rejecting = checkAnswer(fraud, "Fraud claims are rare, so for investigators I would report precision at their capacity, not AUROC alone.");
    expect(rejecting.against).toEqual([]);
    const relying = checkAnswer(fraud, "The fraud model for pharmacy claims looks great to me and investigators can trust it, judging by AUROC alone on the claims.");
    expect(relying.against.map((c) => c.label)).toEqual(["AUROC alone on a rare outcome"]);
    expect(relying.against[0]?.evidence).toContain("AUROC alone");
  });

  it("gives no ticks to a pasted list of terms and says it reads as a list", () => {
    const check = checkAnswer(refills, "A/B test, holdout, 6 weeks, point-in-time, precision, recall, PR-AUC, on-time refills, PDC, statins");
    expect(check.readsAsList).toBe(true);
    expect(check.shown).toEqual([]);
    expect(checkVerdict(check)).toMatch(/reads as a list of keywords/);
  });

  it("ignores a buzzword tail after a real answer", () => {
    const answer = "I would call members who refill statins late and see whether their refills improve.";
    const tail = "Keywords: A/B test, holdout, point-in-time, PR-AUC, precision, PDC.";
    const check = checkAnswer(refills, `${answer}\n${tail}`);
    expect(check.readsAsList).toBe(false);
    expect(check.shown.map((c) => c.label)).toEqual(lit(refills, answer));
    expect(check.shown.map((c) => c.label)).not.toContain("an A/B test");
  });

  it("tells an answer to another question that it does not address this one", () => {
    const fraudAnswer = "Confirmed fraud is rare, so I would report precision and recall at investigator capacity on a later month of claims, against the current rules queue.";
    expect(checkAnswer(fraud, fraudAnswer).addressesQuestion).toBe(true);
    const check = checkAnswer(refills, fraudAnswer);
    expect(check.addressesQuestion).toBe(false);
    expect(check.shown).toEqual([]);
    expect(check.missing).toEqual([]);
    expect(checkVerdict(check)).toMatch(/doesn't address this question/);
  });
});

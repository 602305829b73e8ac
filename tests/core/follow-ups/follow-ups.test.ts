import { parse } from "csv-parse/sync";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { checkAnswer } from "../../../src/core/answers/check-answer.ts";
import type { Coach } from "../../../src/core/coach.ts";
import { pickFollowUp } from "../../../src/core/follow-ups/offer-follow-up.ts";
import type { CoachMessage } from "../../../src/core/messages.ts";
import type { Repositories } from "../../../src/core/ports.ts";
import type { Question } from "../../../src/core/questions/types.ts";
import { loadQuestionBank } from "../../../src/questions/loader.ts";
import { testDatabases } from "../../support/databases.ts";
import { useEngine } from "../../support/engine.ts";
import { type FixedClock, member, type RecordingMessenger, slackCohort } from "../../fakes/core.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../../questions"));
const admin = member(1, true);
const [bob, cara, dan] = [member(2), member(3), member(4)];
const strong = "Baseline 30% refill drop-off; target 20% within 90 days for 40k members; roll back if complaints rise; compliance signs off.";

/** Expected mistakes are CoachingErrors with a code, never crashes. */
const refused = (promise: Promise<unknown>, code: string) => expect(promise).rejects.toMatchObject({ name: "CoachingError", code });

describe.each(testDatabases())("interviewer follow-ups on $name", (target) => {
  // Thursday 29 Oct 2026, 10:00 in New York: answers are open after post-now.
  const engine = useEngine(target, "2026-10-29T14:00:00Z", bank);
  let repos: Repositories;
  let coach: Coach;
  let messenger: RecordingMessenger;
  let clock: FixedClock;
  let promptId: number;
  let question: Question;
  beforeEach(async () => {
    ({ repos, coach, messenger, clock } = engine);
    await coach.setup(slackCohort, admin, coach.parseSchedule(["humana/ai-pm", "09:00", "America/New_York", "mon-fri"]));
    await coach.postNow(slackCohort, admin);
    const posted = messenger.take().find((s) => s.message.kind === "prompt")!.message as Extract<CoachMessage, { kind: "prompt" }>;
    promptId = posted.promptId;
    question = posted.question;
  });

  const answer = (who = bob, text = strong, sourceRef: string | null = `slack:T1:C1:${who.userRef}`) => coach.answer({ prompt: promptId, actor: who, text, sourceRef });

  it("offers one of the question's follow-ups once per answer: not on an edit, a retried delivery or a racing duplicate", async () => {
    const first = await answer();
    expect(first.followUp).toEqual({ answerId: first.answer.id, question: expect.any(String) });
    expect(question.followUps).toContain(first.followUp!.question);

    expect((await answer(bob, strong)).followUp).toBeUndefined();
    expect((await answer(bob, `${strong} Edited.`)).followUp).toBeUndefined();
    const [a, b] = await Promise.all([answer(cara), answer(cara)]);
    expect([a.followUp, b.followUp].filter(Boolean)).toHaveLength(1);
    expect(await repos.followUps.get(first.answer.id)).toMatchObject({ question: first.followUp!.question, body: null });
  });

  it("picks the follow-up from the answer id, so the same answer always gets the same one", () => {
    const twoFollowUps = bank.tracks.flatMap((t) => t.questions).find((q) => q.followUps.length === 2)!;
    const picks = Array.from({ length: 20 }, (_, i) => pickFollowUp(twoFollowUps, `answer:${i}`));
    expect(new Set(picks)).toEqual(new Set(twoFollowUps.followUps));
    expect(pickFollowUp(twoFollowUps, "answer:7")).toBe(picks[7]);
    expect(pickFollowUp({ ...twoFollowUps, followUps: [] }, "answer:7")).toBeUndefined();
  });

  it("saves the follow-up answer with an instant check, replaces it on a second submission, and refuses others and bad input", async () => {
    const { followUp } = await answer();
    const answerId = followUp!.answerId;
    expect(await coach.followUp(answerId, bob.userRef)).toEqual({ question: followUp!.question, answer: null });

    const text = "I would cap the pilot at 5k members and compare against a holdout.";
    const saved = await coach.answerFollowUp({ answerId, userRef: bob.userRef, text });
    expect(saved).toMatchObject({ answerId, question: followUp!.question, created: true });
    // Follow-up answers go through the same instant check as answers, against the same question.
    expect(saved.check).toEqual(checkAnswer(question, text));
    const replaced = await coach.answerFollowUp({ answerId, userRef: bob.userRef, text: "  Second thoughts: a 90-day holdout of 4k members.  " });
    expect(replaced.created).toBe(false);
    expect(await coach.followUp(answerId, bob.userRef)).toEqual({ question: followUp!.question, answer: "Second thoughts: a 90-day holdout of 4k members." });

    await refused(coach.answerFollowUp({ answerId, userRef: cara.userRef, text: "hijack" }), "no-answer");
    await refused(coach.answerFollowUp({ answerId, userRef: bob.userRef, text: "   " }), "answer-empty");
    await refused(coach.answerFollowUp({ answerId, userRef: bob.userRef, text: "x".repeat(4_001) }), "answer-too-long");
    clock.set("2026-10-29T21:00:01Z");
    await refused(coach.answerFollowUp({ answerId, userRef: bob.userRef, text: "too late" }), "window-closed");
    expect((await repos.followUps.get(answerId))?.body).toBe("Second thoughts: a 90-day holdout of 4k members.");
  });

  it("shows reviewers the follow-up answer under the main answer, exports it, and drops it with a withdrawal and forget-me", async () => {
    const bobs = await answer(bob);
    await coach.answerFollowUp({ answerId: bobs.answer.id, userRef: bob.userRef, text: "Holdout of 4k members for 90 days." });
    const caras = await answer(cara, "Cara's answer: pilot with 5k members, target 15% in one quarter.");
    const dans = await answer(dan, "Dan will withdraw this.");
    await coach.answerFollowUp({ answerId: dans.answer.id, userRef: dan.userRef, text: "Dan's follow-up." });
    await coach.withdraw({ sourceRef: `slack:T1:C1:${dan.userRef}` });
    expect((await repos.followUps.get(dans.answer.id))?.body).toBeNull();
    // Answering again after withdrawing starts without the old follow-up answer.
    expect((await answer(dan, "Dan again.")).followUp).toBeUndefined();
    await refused(coach.answerFollowUp({ answerId: caras.answer.id + 99, userRef: cara.userRef, text: "no such answer" }), "no-answer");

    const { files } = await coach.export(slackCohort, admin);
    const rows = parse(files[0]!.content, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.filter((r) => r["Follow-up answer"] !== "").map((r) => [r["Member"], r["Follow-up answer"]])).toEqual([["Member 2", "Holdout of 4k members for 90 days."]]);

    expect(await coach.openReviews(slackCohort, admin)).toBe("done");
    const cards = messenger.take().flatMap((s) => (s.message.kind === "review-request" ? [s.message.card] : []));
    const byAnswer = async (answerId: number) => {
      const found = [];
      for (const card of cards) if ((await repos.reviews.get(card.assignmentId))!.answerId === answerId) found.push(card);
      return found;
    };
    const bobCards = await byAnswer(bobs.answer.id);
    expect(bobCards.length).toBeGreaterThan(0);
    for (const card of bobCards) expect(card.followUp).toEqual({ question: bobs.followUp!.question, answer: "Holdout of 4k members for 90 days." });
    for (const card of [...(await byAnswer(caras.answer.id)), ...(await byAnswer(dans.answer.id))]) expect(card.followUp).toBeUndefined();

    await coach.forgetMe({ userRef: bob.userRef });
    expect(await repos.followUps.get(bobs.answer.id)).toBeUndefined();
  });

  it("offers the drill's follow-up after a drill answer and shows its checked answer at the self-rating step", async () => {
    const drill = await coach.drill({ userRef: bob.userRef, trackId: "humana/ai-pm" });
    await refused(coach.answerDrillFollowUp({ attemptId: drill.attemptId, userRef: bob.userRef, text: "before answering" }), "unknown-drill");
    const feedback = await coach.answerDrill({ attemptId: drill.attemptId, userRef: bob.userRef, text: strong });
    expect(drill.question.followUps).toContain(feedback.followUp);
    expect((await coach.drillRatingStep(drill.attemptId, bob.userRef)).followUp).toBeUndefined();

    const step = await coach.answerDrillFollowUp({ attemptId: drill.attemptId, userRef: bob.userRef, text: "A 90-day holdout of 4k members." });
    expect(step.followUp).toMatchObject({ question: feedback.followUp, answer: "A 90-day holdout of 4k members." });
    expect(step.followUp!.check).toEqual(checkAnswer(drill.question, "A 90-day holdout of 4k members."));
    expect((await coach.drillRatingStep(drill.attemptId, bob.userRef)).followUp).toEqual(step.followUp);
    await refused(coach.answerDrillFollowUp({ attemptId: drill.attemptId, userRef: cara.userRef, text: "not mine" }), "unknown-drill");
    await refused(coach.answerDrillFollowUp({ attemptId: drill.attemptId, userRef: bob.userRef, text: "" }), "answer-empty");
    expect((await repos.drills.getAttempt(drill.attemptId))?.followUpBody).toBe("A 90-day holdout of 4k members.");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeAiReviewer } from "../fakes/ai.ts";
import { startFakeSlack, type FakeSlack } from "../fakes/slack/index.ts";
import { testDatabases } from "../support/databases.ts";
import { Driver, readable, startHarness, type Harness } from "./harness.ts";

const TEAM = "T0FAKE";
const COHORT = "C0COHORT";
const ADMIN = "U0ADMIN";
const BOB = "U0BOB";

/** A cohort of one on Slack with the AI reviewer on: the whole day through the real adapter. */
describe.each(testDatabases())("Slack with the AI reviewer on $name", (target) => {
  let h: Harness;
  let fake: FakeSlack;
  let drive: Driver;
  const ai = new FakeAiReviewer("fake-model", { truth: () => 3 });

  beforeAll(async () => {
    fake = await startFakeSlack({ strictChannels: true });
    fake.users.addUser({ id: ADMIN, name: "ada", realName: "Ada Admin", isAdmin: true });
    fake.users.addUser({ id: BOB, name: "bob" });
    fake.channels.addChannel({ id: COHORT, name: "interview-prep", members: [fake.botUserId, ADMIN, BOB] });
    h = await startHarness(target, fake, { ai: { reviewer: ai, dailyCapPerCohort: 50 } });
    drive = new Driver(h, COHORT);
  });
  afterAll(async () => {
    expect(fake.unknownCalls).toEqual([]);
    await h?.close();
    await fake?.close();
  });

  it("turns on for an admin only, shows on the daily post, and gives a cohort of one the AI's feedback by DM, with no points", async () => {
    await drive.command(ADMIN, "setup humana/ai-pm 09:00 America/New_York mon-fri");
    expect(readable(await drive.command(BOB, "ai on"))).toContain("Only this cohort's admins");
    expect(readable(await drive.command(ADMIN, "ai maybe"))).toContain("Use `/coach ai on` or `/coach ai off`.");
    expect(readable(await drive.command(ADMIN, "ai on"))).toContain("AI reviewer on (fake-model)");

    expect(readable(await drive.command(ADMIN, "post-now"))).toContain("Today's question is posted.");
    const post = fake.callsTo("chat.postMessage").find((c) => c.args["channel"] === COHORT)!;
    expect(readable(post.args)).toContain("AI reviewer on (fake-model)");
    const cohort = (await h.coach.cohort({ platform: "slack", workspaceId: TEAM, channelId: COHORT }))!;
    const prompt = (await h.repos.prompts.forCohort(cohort.id))[0]!;
    await h.coach.answer({
      prompt: prompt.id,
      actor: { userRef: `slack:${TEAM}:${BOB}`, displayName: "bob", isPlatformAdmin: false },
      text: "Cut ER visits 12% within 90 days for 40,000 members; trade-off: false positives cost nurse time.",
      sourceRef: null,
    });
    await drive.command(ADMIN, "open-reviews");
    const report = await h.coach.aiTick();
    expect(report.scored).toBe(1);
    expect(readable(await drive.command(ADMIN, "close-now"))).toContain("results are in the thread");

    const feedback = await fake.waitFor("chat.postMessage", (c) => c.args["channel"] === BOB && readable(c.args).includes("Your feedback"));
    const text = readable(feedback.args);
    expect(text).toContain("AI reviewer (fake-model): its uncorrected view, no peer graded this answer");
    expect(text).toContain('The answer says "Cut ER visits');
    expect(text).toMatch(/The AI is not yet calibrated \(0 peer grades so far/);
    expect(text).toContain("No reviews came in for your answer this time.");

    const board = readable(await drive.command(ADMIN, "leaderboard all"));
    expect(board).not.toContain("fake-model");
    expect(board).not.toContain("ai:");
    expect((await h.repos.points.all(cohort.id)).every((e) => e.userRef.startsWith("slack:"))).toBe(true);

    expect(readable(await drive.command(ADMIN, "ai off"))).toContain("AI reviewer off");
  });
});

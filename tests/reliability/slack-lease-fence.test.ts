import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Coach } from "../../src/core/coach.ts";
import { MessengerRouter, type PlatformAdapter } from "../../src/platforms.ts";
import { createSlackAdapter } from "../../src/slack/index.ts";
import { eventCallbackPayload, postToBolt, slackTs, startFakeSlack, type FakeSlack } from "../fakes/slack/index.ts";
import { testDatabases } from "../support/databases.ts";
import { Driver, log, SIGNING_SECRET, startHarness, type Harness } from "../slack/harness.ts";

const TEAM = "T0FAKE";
const COHORT = "C0FENCE";
/** Friday 30 Oct 2026, 09:00 in New York: the cohort's first question is due. */
const POST_AT = "2026-10-30T13:00:00Z";
/** Past the post step's two-minute lease. */
const PAST_LEASE = "2026-10-30T13:03:00Z";

/**
 * Two replicas, one post. The first claims the step, draws a 429 and waits out its
 * Retry-After; meanwhile its lease runs out and the second retakes the step, finds no
 * earlier copy in the channel and posts. The first must then give the step up instead of
 * posting a second copy, and the one post members see must be the one answers attach to.
 */
describe.each(testDatabases())("a post held past its lease on $name", (target) => {
  let fake: FakeSlack;
  let h: Harness;
  let second: { coach: Coach; adapter: PlatformAdapter };

  beforeAll(async () => {
    fake = await startFakeSlack({ strictChannels: true });
    fake.users.addUser({ id: "U0ADA", name: "ada", isAdmin: true });
    fake.users.addUser({ id: "U0BOB", name: "bob" });
    fake.channels.addChannel({ id: COHORT, name: "fence", members: [fake.botUserId, "U0ADA", "U0BOB"] });
    h = await startHarness(target, fake);
    await new Driver(h, COHORT).command("U0ADA", "setup humana/ai-pm 09:00 America/New_York mon-fri");

    // Another replica: its own engine and Slack client (and pacer) over the same database and clock.
    const router = new MessengerRouter();
    const coach = new Coach({ repos: h.repos, messenger: router, clock: h.clock, log }, { timeZone: "America/New_York", postTime: "09:00" });
    const adapter = createSlackAdapter({
      config: { botToken: "xoxb-second", mode: { kind: "http", signingSecret: SIGNING_SECRET }, apiUrl: fake.url },
      coach,
      log,
      retryConfig: { retries: 0 },
      channelPaceMs: 20,
    });
    router.register(adapter.platform, adapter.messenger);
    await adapter.start();
    second = { coach, adapter };
  });
  afterAll(async () => {
    await second?.adapter.stop();
    await h?.close();
    await fake?.close();
  });

  it("posts the question once, and the answer to it lands", async () => {
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 2 });
    h.clock.set(POST_AT);
    const firstTick = h.coach.tick();
    await fake.waitFor("chat.postMessage", (c) => c.status === 429);

    h.clock.set(PAST_LEASE);
    const retake = await second.coach.tick();
    expect(retake.ran).toEqual([expect.objectContaining({ step: "post" })]);
    // The first replica's Retry-After ends after the retake: it must not post, nor report a failure.
    const first = await firstTick;
    const posts = fake.callsTo("chat.postMessage").filter((c) => c.args["channel"] === COHORT && c.status === 200);
    expect(posts.map((p) => p.token)).toEqual(["xoxb-second"]);
    expect(first).toMatchObject({ ran: [], failed: [] });
    const inChannel = fake.messages(COHORT).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
    expect(inChannel).toHaveLength(1);
    const cohort = (await h.coach.cohort({ platform: "slack", workspaceId: TEAM, channelId: COHORT }))!;
    const prompt = (await h.repos.prompts.forCohort(cohort.id))[0]!;
    expect(prompt.messageRef).toBe(`slack:${TEAM}:${COHORT}:${inChannel[0]!.ts}`);
    expect((await h.repos.prompts.steps(prompt.id)).get("post")).toBe("done");

    // Bob answers in the thread of the question he sees.
    const text = "Baseline 30% refill drop-off; target 20% in 90 days; roll back if complaints rise.";
    const ts = slackTs();
    fake.seedMessage(COHORT, { user: "U0BOB", text, ts, thread_ts: inChannel[0]!.ts });
    const event = eventCallbackPayload({ type: "message", channel: COHORT, channel_type: "channel", user: "U0BOB", text, ts, thread_ts: inChannel[0]!.ts });
    expect((await postToBolt(h.url, SIGNING_SECRET, "event", event)).status).toBe(200);
    await vi.waitFor(async () => expect((await h.repos.answers.active(prompt.id)).map((a) => [a.userRef, a.body])).toEqual([[`slack:${TEAM}:U0BOB`, text]]), {
      timeout: 10_000,
    });
  });
});

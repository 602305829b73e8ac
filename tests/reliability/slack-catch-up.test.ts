import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { STEP_LEASE_MS } from "../../src/core/prompts/run-steps.ts";
import { createLogger } from "../../src/logger.ts";
import { createSlackAdapter } from "../../src/slack/index.ts";
import { POST_EVENT_TYPE } from "../../src/slack/messenger.ts";
import { eventCallbackPayload, postToBolt, startFakeSlack, type FakeSlack } from "../fakes/slack/index.ts";
import { testDatabases } from "../support/databases.ts";
import { Driver, SIGNING_SECRET, startHarness, type Harness } from "../slack/harness.ts";

const TEAM = "T0FAKE";
const ONE = "C0ONE";
const TWO = "C0TWO";
const tsAt = (iso: string) => `${Date.parse(iso) / 1000}.000100`;
const ref = (user: string) => `slack:${TEAM}:${user}`;

describe("Slack catch-up and history reads", () => {
  let fake: FakeSlack;
  let h: Harness;
  const prompts = new Map<string, { id: number; ts: string }>();

  beforeAll(async () => {
    fake = await startFakeSlack({ strictChannels: true });
    fake.users.addUser({ id: "U0ADA", name: "ada", isAdmin: true });
    for (const id of ["U0BOB", "U0CARA", "U0DAN"]) fake.users.addUser({ id, name: id.toLowerCase() });
    for (const id of [ONE, TWO]) fake.channels.addChannel({ id, name: id.toLowerCase(), members: [fake.botUserId, "U0ADA", "U0BOB", "U0CARA", "U0DAN"] });
    h = await startHarness(testDatabases()[0]!, fake);
    // Two cohorts whose questions went out at 09:00 and 09:30 New York time; the clock reads 10:00.
    for (const [channel, time] of [[ONE, "09:00"], [TWO, "09:30"]] as const) {
      const drive = new Driver(h, channel);
      await drive.command("U0ADA", `setup humana/ai-pm ${time} America/New_York mon-fri`);
      await drive.command("U0ADA", "post-now");
      const cohort = (await h.coach.cohort({ platform: "slack", workspaceId: TEAM, channelId: channel }))!;
      const prompt = (await h.repos.prompts.forCohort(cohort.id))[0]!;
      prompts.set(channel, { id: prompt.id, ts: prompt.messageRef!.split(":").at(-1)! });
    }
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("posts on the happy path without reading any history", () => {
    expect(fake.callsTo("chat.postMessage").filter((c) => c.status === 200 && [ONE, TWO].includes(String(c.args["channel"])))).toHaveLength(2);
    expect(fake.callsTo("conversations.history")).toHaveLength(0);
    expect(fake.callsTo("conversations.replies")).toHaveLength(0);
  });

  it("after a restart reads the open threads newest first within the history budget, recording missed replies at their original time, telling nobody twice", async () => {
    // Dan answered live before the outage; his reply is in the thread and already recorded.
    const danTs = tsAt("2026-10-29T13:35:00Z");
    fake.seedMessage(TWO, { user: "U0DAN", text: "Dan: baseline 30%, target 20% in a quarter.", ts: danTs, thread_ts: prompts.get(TWO)!.ts });
    const live = eventCallbackPayload({ type: "message", channel: TWO, user: "U0DAN", text: "Dan: baseline 30%, target 20% in a quarter.", ts: danTs, thread_ts: prompts.get(TWO)!.ts });
    expect((await postToBolt(h.url, SIGNING_SECRET, "event", live)).status).toBe(200);
    await vi.waitFor(() => expect(fake.callsTo("chat.postEphemeral").filter((c) => c.args["user"] === "U0DAN")).toHaveLength(1));

    // Sent while the bot was down: Slack gave up redelivering them.
    fake.seedMessage(ONE, { user: "U0BOB", text: "Bob: cut refill drop-off from 30% to 20% in 90 days.", ts: tsAt("2026-10-29T13:40:00Z"), thread_ts: prompts.get(ONE)!.ts });
    fake.seedMessage(TWO, { user: "U0CARA", text: "Cara: 40k members, roll back if complaints rise.", ts: tsAt("2026-10-29T13:45:00Z"), thread_ts: prompts.get(TWO)!.ts });
    fake.seedMessage(TWO, { bot_id: "B0OTHER", text: "a bot's note", ts: tsAt("2026-10-29T13:46:00Z"), thread_ts: prompts.get(TWO)!.ts });

    const restart = async (historyReadsPerMinute: number) => {
      const lines: string[] = [];
      const adapter = createSlackAdapter({
        config: { botToken: "xoxb-test", mode: { kind: "http", signingSecret: SIGNING_SECRET }, apiUrl: fake.url, historyReadsPerMinute },
        coach: h.coach,
        log: createLogger("info", { write: (line: string) => void lines.push(line) }),
        retryConfig: { retries: 0 },
        channelPaceMs: 20,
      });
      await adapter.start();
      const report = await vi.waitFor(() => {
        const line = lines.find((l) => l.includes("caught up on open question threads"));
        if (!line) throw new Error("no catch-up yet");
        return JSON.parse(line) as { threads: number; replies: number; deferred: number };
      }, { timeout: 15_000 });
      await adapter.stop();
      return report;
    };

    // An allowance of one read a minute: only the newest open thread (TWO) is read now.
    const readsBefore = fake.callsTo("conversations.replies").length;
    expect(await restart(1)).toMatchObject({ threads: 1, deferred: 1 });
    expect(fake.callsTo("conversations.replies").slice(readsBefore).map((c) => c.args["channel"])).toEqual([TWO]);
    const cara = (await h.repos.answers.find(prompts.get(TWO)!.id, ref("U0CARA")))!;
    expect(cara.createdAt.toISOString()).toBe("2026-10-29T13:45:00.000Z");
    expect(await h.repos.answers.find(prompts.get(ONE)!.id, ref("U0BOB"))).toBeUndefined();

    // With Tier 3's allowance the next pass reads both; Bob's reply is recorded at its own time.
    expect(await restart(50)).toMatchObject({ threads: 2, deferred: 0 });
    expect((await h.repos.answers.find(prompts.get(ONE)!.id, ref("U0BOB")))?.createdAt.toISOString()).toBe("2026-10-29T13:40:00.000Z");
    expect((await h.repos.answers.active(prompts.get(TWO)!.id)).map((a) => a.userRef).sort()).toEqual([ref("U0CARA"), ref("U0DAN")]);
    // Dan heard once (live); Cara once (her first catch-up), not again on the second pass.
    expect(fake.callsTo("chat.postEphemeral").filter((c) => c.args["user"] === "U0DAN")).toHaveLength(1);
    expect(fake.callsTo("chat.postEphemeral").filter((c) => c.args["user"] === "U0CARA")).toHaveLength(1);
  });

  it("reads history only to retake a step whose earlier worker died, and then finds the earlier post instead of posting twice", async () => {
    const prompt = (await h.repos.prompts.forCohort((await h.coach.cohort({ platform: "slack", workspaceId: TEAM, channelId: ONE }))!.id))[0]!;
    const promptTwo = (await h.repos.prompts.forCohort((await h.coach.cohort({ platform: "slack", workspaceId: TEAM, channelId: TWO }))!.id))[0]!;
    // A worker claimed both cohorts' answer reminders, posted ONE's and died before recording it
    // and before sending TWO's.
    expect(await h.repos.prompts.claimSteps([prompt, promptTwo].map((p) => ({ promptId: p.id, step: "answer-reminder" })), h.clock.now(), STEP_LEASE_MS)).toEqual(
      new Map([
        [prompt.id, "fresh"],
        [promptTwo.id, "fresh"],
      ]),
    );
    await h.repos.prompts.markMayHavePosted([{ promptId: prompt.id, step: "answer-reminder" }]);
    fake.seedMessage(ONE, { user: fake.botUserId, bot_id: fake.botId, text: "reminder", thread_ts: prompts.get(ONE)!.ts, metadata: { event_type: POST_EVENT_TYPE, event_payload: { key: `prompt:${prompt.id}:answer-reminder` } } } as never);
    const replyReads = fake.callsTo("conversations.replies").length;
    const postsToOne = () => fake.callsTo("chat.postMessage").filter((c) => c.args["channel"] === ONE).length;
    const posts = postsToOne();
    // 20:00 UTC: an hour before answers close, past the lease.
    h.clock.set("2026-10-29T20:05:00Z");
    await h.coach.tick();
    expect(fake.callsTo("conversations.replies").slice(replyReads).map((c) => [c.args["channel"], c.args["ts"]])).toEqual([[ONE, prompts.get(ONE)!.ts]]);
    expect(postsToOne()).toBe(posts);
    // Cohort TWO's reminder was never sent by the worker that died: retaken without a history read.
    expect(fake.callsTo("chat.postMessage").filter((c) => c.args["channel"] === TWO && c.args["thread_ts"] === prompts.get(TWO)!.ts && c.status === 200)).toHaveLength(1);
    expect((await h.repos.prompts.steps(prompt.id)).get("answer-reminder")).toBe("done");
  });
});

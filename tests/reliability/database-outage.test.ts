import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Prompt } from "../../src/core/prompts/types.ts";
import { livenessRoute } from "../../src/http/health.ts";
import { startHttpServer, type HttpServer } from "../../src/http/server.ts";
import { createLogger } from "../../src/logger.ts";
import { resilientCoach, Retrier } from "../../src/resilience.ts";
import { startHarness as startDiscord, type Harness as DiscordHarness } from "../discord/harness.ts";
import type { FakeInteraction, Json } from "../fakes/discord/fake-discord.ts";
import { eventCallbackPayload, postToBolt, slackTs, startFakeSlack, type FakeSlack } from "../fakes/slack/index.ts";
import { testDatabases } from "../support/databases.ts";
import { cuttable, type Outage } from "../support/outage.ts";
import { Driver, readable, SIGNING_SECRET, startHarness as startSlack, type Harness as SlackHarness } from "../slack/harness.ts";

/** Short budgets: the behaviour is the same as production's minute, only faster. */
const RETRY = { budgetMs: 1_500, firstDelayMs: 50, maxDelayMs: 200 };
const target = testDatabases()[0]!;

/** A retrier whose log lines the test can read, and a /healthz over it and the cut database. */
async function observed(outage: () => Outage) {
  const lines: string[] = [];
  const log = createLogger("info", { write: (line: string) => void lines.push(line) });
  const retrier = new Retrier(log, RETRY);
  const ping = async () => {
    try {
      await outage().repos.cohorts.all();
      return true;
    } catch {
      return false;
    }
  };
  const health: HttpServer = await startHttpServer({ port: 0, routes: [livenessRoute({ ping, adapters: [], retrying: () => ({ pending: retrier.pending, degraded: retrier.degraded }) })], log: createLogger("silent") });
  const healthz = async () => {
    const response = await fetch(`http://127.0.0.1:${health.port}/healthz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { lines, retrier, health, healthz };
}

describe("Slack: the database goes away after Slack was told 200", () => {
  let fake: FakeSlack;
  let h: SlackHarness;
  let outage: Outage;
  let watch: Awaited<ReturnType<typeof observed>>;
  let promptTs: string;
  let promptId: number;
  const COHORT = "C0COHORT";

  beforeAll(async () => {
    fake = await startFakeSlack();
    fake.users.addUser({ id: "U0ADA", name: "ada", isAdmin: true });
    for (const id of ["U0BOB", "U0CARA"]) fake.users.addUser({ id, name: id.toLowerCase() });
    watch = await observed(() => outage);
    h = await startSlack(target, fake, { wrapRepos: (repos) => (outage = cuttable(repos)).repos, wrapCoach: (coach) => resilientCoach(coach, watch.retrier) });
    const drive = new Driver(h, COHORT);
    await drive.command("U0ADA", "setup humana/ai-pm 09:00 America/New_York mon-fri");
    await drive.command("U0ADA", "post-now");
    const cohort = (await h.coach.cohort({ platform: "slack", workspaceId: "T0FAKE", channelId: COHORT }))!;
    const prompt = (await h.repos.prompts.forCohort(cohort.id))[0]!;
    promptId = prompt.id;
    promptTs = prompt.messageRef!.split(":").at(-1)!;
  });
  afterAll(async () => {
    outage?.restore();
    await h?.close();
    await watch?.health.close();
    await fake?.close();
  });

  const answer = async (user: string, text: string) => {
    const event = eventCallbackPayload({ type: "message", channel: COHORT, channel_type: "channel", user, text, ts: slackTs(), thread_ts: promptTs });
    expect((await postToBolt(h.url, SIGNING_SECRET, "event", event)).status).toBe(200);
  };
  const ephemeralsTo = (user: string) => fake.callsTo("chat.postEphemeral").filter((c) => c.args["user"] === user);

  it("retries a thread answer until the database is back, reporting degraded meanwhile, then records it and tells the member as usual", async () => {
    outage.cut();
    await answer("U0BOB", "Baseline 30% refill drop-off; target 20% in 90 days for 40k members.");
    await vi.waitFor(() => expect(watch.lines.some((l) => l.includes("retrying accepted work"))).toBe(true), { timeout: 10_000 });
    expect(await watch.healthz()).toMatchObject({ status: 200, body: { status: "degraded", database: "unreachable" } });
    expect(ephemeralsTo("U0BOB")).toHaveLength(0);

    outage.restore();
    await vi.waitFor(() => expect(readable(ephemeralsTo("U0BOB")[0]?.args)).toContain("Answer saved."), { timeout: 10_000 });
    expect((await h.repos.answers.find(promptId, "slack:T0FAKE:U0BOB"))?.body).toContain("refill drop-off");
    expect(watch.lines.some((l) => l.includes("retried work recorded"))).toBe(true);
  });

  it("tells the member privately that the answer was not recorded when the database stays away past the budget", async () => {
    outage.cut();
    await answer("U0CARA", "An answer sent during a long outage");
    await vi.waitFor(() => expect(readable(ephemeralsTo("U0CARA")[0]?.args)).toContain("NOT recorded"), { timeout: 15_000 });
    expect(watch.lines.some((l) => l.includes("work not recorded"))).toBe(true);
    outage.restore();
    expect(await h.repos.answers.find(promptId, "slack:T0FAKE:U0CARA")).toBeUndefined();
  });
});

describe("Discord: the database goes away after the interaction was received", () => {
  let h: DiscordHarness;
  let outage: Outage;
  let watch: Awaited<ReturnType<typeof observed>>;
  let prompt: Prompt;
  let threadId: string;

  const answerOf = async (handle: FakeInteraction) => {
    const callback = await handle.reply();
    if (callback.type === 5) return { ...callback, data: (await handle.waitForOriginalEdit(15_000)).body as Json };
    return callback;
  };
  const command = (user: string, subcommand: string, options: Record<string, string> = {}) => h.fake.chatInput({ channelId: h.channelId, user, name: "coach", subcommand, options });

  beforeAll(async () => {
    watch = await observed(() => outage);
    h = await startDiscord(target, { wrapRepos: (repos) => (outage = cuttable(repos)).repos, wrapCoach: (coach) => resilientCoach(coach, watch.retrier) });
    await answerOf(command(h.adminId, "setup", { track: "humana/ai-pm", time: "09:00", zone: "America/New_York", days: "mon-fri" }));
    await answerOf(command(h.adminId, "post-now"));
    threadId = h.fake.threads(h.channelId)[0]!.id;
    prompt = (await h.repos.prompts.forCohort((await h.coach.cohort({ platform: "discord", workspaceId: h.guildId, channelId: h.channelId }))!.id))[0]!;
  });
  afterAll(async () => {
    outage?.restore();
    await h?.close();
    await watch?.health.close();
  });

  it("retries a modal answer through a blip (deferring past the 3 s deadline) and answers with the usual receipt", async () => {
    const member = h.members[0]!;
    outage.cut();
    const submit = h.fake.modalSubmit({ channelId: h.channelId, user: member, customId: `cc:answer-modal:${prompt.id}`, fields: { answer: "Readmissions down 8% in 6 months; precision trade-off." } });
    await vi.waitFor(() => expect(watch.lines.some((l) => l.includes("retrying accepted work"))).toBe(true), { timeout: 10_000 });
    expect((await watch.healthz()).body).toMatchObject({ status: "degraded" });
    setTimeout(() => outage.restore(), 300);
    const receipt = await answerOf(submit);
    expect(receipt.ephemeral).toBe(true);
    expect(JSON.stringify(receipt.data)).toContain("Answer recorded");
    expect(await h.repos.answers.find(prompt.id, `discord:${member}`)).toMatchObject({ body: "Readmissions down 8% in 6 months; precision trade-off." });
  });

  it("tells a thread replier by DM that the answer was not recorded when the database stays away", async () => {
    const member = h.members[1]!;
    outage.cut();
    const mark = h.fake.mark();
    h.fake.messageCreate({ channelId: threadId, author: member, content: "A reply during a long outage" });
    const dm = await h.fake.waitFor((c) => c.route === "POST /channels/:id/messages" && JSON.stringify(c.body).includes("NOT recorded"), 15_000, mark);
    expect(dm).toBeDefined();
    outage.restore();
    expect(await h.repos.answers.find(prompt.id, `discord:${member}`)).toBeUndefined();
  });
});

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel, webApi } from "@slack/bolt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "./slack/fake-slack.ts";
import { blockActionsPayload, eventCallbackPayload, slashCommandPayload, viewSubmissionPayload } from "./slack/payloads.ts";
import { postToBolt } from "./slack/signer.ts";

const signingSecret = "test-signing-secret";
const coachBlocks = [{ type: "section", text: { type: "mrkdwn", text: "*Today's question*" } }];
const coachMetadata = { event_type: "coach_prompt", event_payload: { cohort: "c1", day: 3 } };

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the /coach command every Bolt app in this file uses. */
function registerCoach(app: App): void {
  app.command("/coach", async ({ ack, command, client }) => {
    await ack();
    await client.chat.postMessage({
      channel: command.channel_id,
      text: "Today's question",
      blocks: coachBlocks,
      metadata: coachMetadata,
    });
  });
}

describe("fake Slack driven by a real Bolt HTTP app", () => {
  let fake: FakeSlack;
  let app: App;
  let eventsUrl: string;
  const retryNums: Deferred<number | undefined>[] = [];

  beforeAll(async () => {
    fake = await startFakeSlack();
    app = new App({
      token: "xoxb-test",
      signingSecret,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    registerCoach(app);
    app.event("app_mention", async ({ context }) => {
      retryNums.shift()?.resolve(context.retryNum);
    });
    // Port 0 lets the OS choose; the Server that start() resolves with knows the bound port.
    const server = await app.start(0);
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    await fake.waitFor("auth.test");
  });

  afterEach(() => {
    expect(fake.unknownCalls).toEqual([]);
    fake.reset();
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it("answers auth.test with the bot identity Bolt caches, using the bot token", () => {
    const [authTest] = fake.callsTo("auth.test");
    expect(authTest?.token).toBe("xoxb-test");
    expect(authTest?.response).toMatchObject({ ok: true, user_id: fake.botUserId, bot_id: fake.botId, team_id: fake.teamId });
  });

  it("acks a signed slash command with 200 and records the postMessage with parsed blocks and metadata", async () => {
    const response = await postToBolt(eventsUrl, signingSecret, "command", slashCommandPayload({ channel_id: "C0COHORT" }));
    expect(response.status).toBe(200);
    expect(response.ms).toBeGreaterThan(0);

    const post = await fake.waitFor("chat.postMessage");
    expect(post.token).toBe("xoxb-test");
    expect(post.args).toMatchObject({ channel: "C0COHORT", text: "Today's question", blocks: coachBlocks, metadata: coachMetadata });
    expect(post.response).toMatchObject({ ok: true, channel: "C0COHORT", message: { metadata: coachMetadata } });
  });

  it("rejects a forged signature with 401 and the listener never runs", async () => {
    const response = await postToBolt(eventsUrl, signingSecret, "command", slashCommandPayload(), { forge: true });
    expect(response.status).toBe(401);
    const missing = await postToBolt(eventsUrl, signingSecret, "command", slashCommandPayload(), { forge: "missing" });
    expect(missing.status).toBe(401);
    await sleep(100);
    expect(fake.calls).toEqual([]);
  });

  it("rejects a correctly signed request older than 5 minutes with 401", async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await postToBolt(eventsUrl, signingSecret, "command", slashCommandPayload(), { timestamp: sixMinutesAgo });
    expect(response.status).toBe(401);
    await sleep(100);
    expect(fake.calls).toEqual([]);
  });

  it("passes X-Slack-Retry-Num through as context.retryNum (Bolt does not de-duplicate)", async () => {
    const seen = deferred<number | undefined>();
    retryNums.push(seen);
    const event = eventCallbackPayload({ type: "app_mention", user: "U0ALICE", text: "<@U0BOT> hi", channel: "C0COHORT", ts: "1.000001" });
    const response = await postToBolt(eventsUrl, signingSecret, "event", event, { retryNum: 2 });
    expect(response.status).toBe(200);
    expect(await seen.promise).toBe(2);
  });

  it("records a method it does not serve in unknownCalls and answers unknown_method", async () => {
    await expect(app.client.apiCall("chat.scheduleMessage", { channel: "C0COHORT", text: "later", post_at: 1 })).rejects.toMatchObject({
      data: { ok: false, error: "unknown_method" },
    });
    expect(fake.unknownCalls).toMatchObject([{ method: "chat.scheduleMessage", token: "xoxb-test", args: { text: "later" } }]);
    expect(fake.calls).toEqual([]);
    fake.unknownCalls.length = 0; // seen on purpose; afterEach asserts none elsewhere
  });

  it("answers 429 with Retry-After once; WebClient with retries waits and retries", async () => {
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    const client = new webApi.WebClient("xoxb-test", { slackApiUrl: fake.url, retryConfig: { retries: 1 }, logLevel: LogLevel.ERROR });
    const result = await client.chat.postMessage({ channel: "C0COHORT", text: "after the limit" });
    expect(result.ok).toBe(true);

    const [limited, retried] = fake.callsTo("chat.postMessage");
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(990);
  });
});

describe("Bolt's HTTP handler mounted on our own node:http server", () => {
  let fake: FakeSlack;
  let server: ReturnType<typeof createServer>;
  let base: string;
  const handled: string[] = [];

  beforeAll(async () => {
    fake = await startFakeSlack();
    const receiver = new HTTPReceiver({ signingSecret, logLevel: LogLevel.ERROR });
    const app = new App({ token: "xoxb-test", receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } } });
    app.action("grade", async ({ ack, action }) => {
      await ack();
      handled.push(`action:${"value" in action ? action.value : ""}`);
    });
    app.view("answer", async ({ ack, view }) => {
      await ack();
      handled.push(`view:${view.private_metadata}`);
    });
    // receiver.requestListener serves Bolt's endpoints and throws HTTPReceiverDeferredRequestError for any
    // other path, so it can share a server with our own routes (no receiver.start(), no second port).
    server = createServer((req, res) => {
      if (req.url === "/healthz") return void res.writeHead(200).end("ok");
      try {
        receiver.requestListener(req, res);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await fake.waitFor("auth.test");
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
  });

  it("serves block_actions and view_submission alongside our own route", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);

    const action = await postToBolt(`${base}/slack/events`, signingSecret, "action", blockActionsPayload({ actionId: "grade", value: "4" }));
    expect(action.status).toBe(200);
    const view = await postToBolt(
      `${base}/slack/events`,
      signingSecret,
      "view_submission",
      viewSubmissionPayload({ callbackId: "answer", privateMetadata: "q7" }),
    );
    expect(view.status).toBe(200);
    await expect.poll(() => handled).toEqual(["action:4", "view:q7"]);
  });
});

describe("fake Slack Web API state", () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;

  beforeAll(async () => {
    fake = await startFakeSlack();
    client = new webApi.WebClient("xoxb-test", { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
  });
  afterEach(() => expect(fake.unknownCalls).toEqual([]));
  afterAll(() => fake.close());

  it("finds the bot's own post (with metadata) in conversations.history after a crash, only when metadata is requested", async () => {
    fake.channels.addChannel({ id: "C0COHORT", name: "cohort", members: [fake.botUserId, "U0ALICE"] });
    const posted = await client.chat.postMessage({ channel: "C0COHORT", text: "Q1", metadata: coachMetadata });
    await client.chat.postMessage({ channel: "C0COHORT", thread_ts: posted.ts!, text: "a reply" });

    const withMetadata = await client.conversations.history({ channel: "C0COHORT", include_all_metadata: true, limit: 10 });
    expect(withMetadata.messages).toHaveLength(1);
    expect(withMetadata.messages?.[0]).toMatchObject({ ts: posted.ts, bot_id: fake.botId, metadata: coachMetadata, reply_count: 1 });
    const without = await client.conversations.history({ channel: "C0COHORT" });
    expect(without.messages?.[0]?.metadata).toBeUndefined();

    const replies = await client.conversations.replies({ channel: "C0COHORT", ts: posted.ts! });
    expect(replies.messages?.map((m) => m.text)).toEqual(["Q1", "a reply"]);

    await client.chat.update({ channel: "C0COHORT", ts: posted.ts!, text: "Q1 (closed)" });
    expect(fake.messages("C0COHORT")[0]?.text).toBe("Q1 (closed)");
    await expect(client.chat.update({ channel: "C0COHORT", ts: "1.2", text: "x" })).rejects.toMatchObject({ data: { error: "message_not_found" } });
  });

  it("enforces membership: not_in_channel until conversations.join, is_member follows", async () => {
    fake.channels.addChannel({ id: "C0QUIET", name: "quiet", members: ["U0ALICE"] });
    expect((await client.conversations.info({ channel: "C0QUIET" })).channel?.is_member).toBe(false);
    await expect(client.chat.postMessage({ channel: "C0QUIET", text: "hi" })).rejects.toMatchObject({ data: { error: "not_in_channel" } });
    await client.conversations.join({ channel: "C0QUIET" });
    expect((await client.conversations.info({ channel: "C0QUIET" })).channel?.is_member).toBe(true);
    await expect(client.chat.postMessage({ channel: "C0QUIET", text: "hi" })).resolves.toMatchObject({ ok: true });
  });

  it("serves users.info from the registry and a stable DM per user", async () => {
    fake.users.addUser({ id: "U0ADMIN", name: "ada", isAdmin: true, isOwner: true });
    const info = await client.users.info({ user: "U0ADMIN" });
    expect(info.user).toMatchObject({ id: "U0ADMIN", is_admin: true, is_owner: true, is_bot: false });
    await expect(client.users.info({ user: "U0NOBODY" })).rejects.toMatchObject({ data: { error: "user_not_found" } });

    const first = await client.conversations.open({ users: "U0ADMIN" });
    const second = await client.conversations.open({ users: "U0ADMIN" });
    expect(first.channel?.id).toMatch(/^D/);
    expect(second.channel?.id).toBe(first.channel?.id);
  });

  it("keeps the bytes of a filesUploadV2 upload so a test can read the CSV back", async () => {
    const csv = "user,score\nU0ALICE,7\n";
    await client.filesUploadV2({ channel_id: "C0COHORT", filename: "scores.csv", content: csv, initial_comment: "Weekly export" });
    const [file] = fake.files;
    expect(file).toMatchObject({ filename: "scores.csv", completed: true, channelId: "C0COHORT", initialComment: "Weekly export" });
    expect(file?.text()).toBe(csv);
    expect(fake.callsTo("files.completeUploadExternal")[0]?.args["files"]).toEqual([{ id: file?.id, title: "scores.csv" }]);
  });

  it("opens and updates views, and parses the view JSON", async () => {
    const view = { type: "modal" as const, callback_id: "answer", title: { type: "plain_text" as const, text: "Answer" }, blocks: [] };
    const opened = await client.views.open({ trigger_id: "1.2.abc", view });
    expect(fake.callsTo("views.open")[0]?.args["view"]).toEqual(view);
    const updated = await client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: { ...view, callback_id: "answer2" } });
    expect(updated.view).toMatchObject({ id: opened.view?.id, callback_id: "answer2" });
  });
});

describe("fake Slack Socket Mode with a real Bolt app", () => {
  let fake: FakeSlack;
  let app: App | undefined;

  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await app?.stop();
    await fake.close();
  });

  it("hands apps.connections.open a loopback WebSocket, delivers a slash command and gets it acked and handled", async () => {
    // Top-level clientOptions reach the SocketModeClient too (Bolt copies them into installerOptions.clientOptions).
    app = new App({
      token: "xoxb-test",
      appToken: "xapp-test",
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    registerCoach(app);
    await app.start();

    const open = await fake.waitFor("apps.connections.open");
    expect(open.token).toBe("xapp-test");
    expect(String(open.response["url"])).toMatch(/^ws:\/\/127\.0\.0\.1:/);
    expect(fake.socketConnectionCount()).toBe(1);

    const ack = await fake.socketSlashCommand({ command: "/coach", channel_id: "C0SOCKET" });
    expect(ack).toEqual({});
    const post = await fake.waitFor("chat.postMessage", (call) => call.args["channel"] === "C0SOCKET");
    expect(post.token).toBe("xoxb-test");
    expect(post.args["blocks"]).toEqual(coachBlocks);
    expect(fake.unknownCalls).toEqual([]);
  });
});

describe("fake Slack's rate limits", () => {
  let fake: FakeSlack;
  afterEach(() => fake.close());
  const call = async (method: string, body: Record<string, string>) => {
    const response = await fetch(`${fake.url}${method}`, {
      method: "POST",
      headers: { authorization: "Bearer xoxb-limits", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body),
    });
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as { ok: boolean; messages?: unknown[] } };
  };

  it("refuses a second post to one channel within a second, and posts beyond the workspace rate, with 429 and Retry-After", async () => {
    fake = await startFakeSlack({ rateLimits: { postsPerChannelPerSecond: 1, postsPerWorkspacePerSecond: 3 } });
    expect((await call("chat.postMessage", { channel: "C1", text: "one" })).status).toBe(200);
    const again = await call("chat.postMessage", { channel: "C1", text: "two" });
    expect(again).toMatchObject({ status: 429, retryAfter: "1", body: { ok: false } });
    for (const channel of ["C2", "C3"]) expect((await call("chat.postMessage", { channel, text: "hi" })).status).toBe(200);
    expect((await call("chat.postMessage", { channel: "C4", text: "hi" })).status).toBe(429);
    expect(fake.calls.filter((c) => c.method === "chat.postMessage" && c.status === 200)).toHaveLength(3);
  });

  it("allows the configured history reads a minute and caps how many messages one returns", async () => {
    fake = await startFakeSlack({ rateLimits: { historyPerMinute: 1, historyMaxMessages: 15 } });
    for (let i = 0; i < 20; i++) await call("chat.postMessage", { channel: "C1", text: `m${i}` });
    const first = await call("conversations.history", { channel: "C1", limit: "100" });
    expect(first.status).toBe(200);
    expect(first.body.messages).toHaveLength(15);
    const second = await call("conversations.replies", { channel: "C1", ts: "1" });
    expect(second.status).toBe(429);
    expect(Number(second.retryAfter)).toBeGreaterThan(50);
  });
});

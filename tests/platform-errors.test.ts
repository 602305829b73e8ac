import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Coach } from "../src/core/coach.ts";
import type { Repositories } from "../src/core/ports.ts";
import { createDiscordAdapter } from "../src/discord/index.ts";
import { createLogger } from "../src/logger.ts";
import { Metrics } from "../src/metrics.ts";
import { MessengerRouter, type PlatformAdapter } from "../src/platforms.ts";
import { createSlackAdapter } from "../src/slack/index.ts";
import { startFakeDiscord } from "./fakes/discord/fake-discord.ts";
import { FixedClock, silentLog } from "./fakes/core.ts";
import { startFakeSlack } from "./fakes/slack/index.ts";

/** These paths fail before any engine call, so the engine needs no database. */
const coach = new Coach({ repos: {} as Repositories, messenger: new MessengerRouter(), clock: new FixedClock(new Date("2026-10-28T14:00:00Z")), log: silentLog }, { timeZone: "UTC", postTime: "09:00" });

function capture() {
  const lines: { level: number; msg: string; err?: unknown }[] = [];
  const log = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  return { log, lines, errors: () => lines.filter((l) => l.level >= 40) };
}

/** A port that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const started = async (adapter: PlatformAdapter) => {
  cleanups.push(() => adapter.stop());
  await adapter.start();
  return adapter;
};

describe("clear platform errors", () => {
  it("Slack unreachable: one line naming the URL and the cause, not ready, no stack trace", async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}/api/`;
    const { log, errors } = capture();
    const adapter = await started(
      createSlackAdapter({ config: { botToken: "xoxb-test", mode: { kind: "socket", appToken: "xapp-test" }, apiUrl }, coach, log, retryConfig: { retries: 0 } }),
    );
    expect(errors()).toEqual([expect.objectContaining({ level: 50, msg: expect.stringMatching(new RegExp(`^Cannot reach Slack at ${apiUrl} \\(ECONNREFUSED\\)\\. Check the network`)) })]);
    expect(errors()[0]).not.toHaveProperty("err");
    expect(adapter.health()).toEqual({ ready: false, detail: `Cannot reach Slack at ${apiUrl} (ECONNREFUSED)` });
  });

  it("Slack Socket Mode with a refused app token names SLACK_APP_TOKEN and what to do", async () => {
    const fake = await startFakeSlack();
    cleanups.push(() => fake.close());
    fake.failNext("apps.connections.open", { status: 200, error: "invalid_auth" });
    const { log, errors } = capture();
    const adapter = await started(
      createSlackAdapter({ config: { botToken: "xoxb-test", mode: { kind: "socket", appToken: "xapp-revoked" }, apiUrl: fake.url }, coach, log, retryConfig: { retries: 0 } }),
    );
    expect(errors().map((l) => l.msg)).toEqual([expect.stringMatching(/^Slack rejected SLACK_APP_TOKEN \(invalid_auth\)\. Create an app-level token with the connections:write scope/)]);
    expect(adapter.health().ready).toBe(false);
  });

  it("Slack token revoked after start: the next failing call flips readiness and says so once", async () => {
    const fake = await startFakeSlack();
    cleanups.push(() => fake.close());
    const { log, errors } = capture();
    const metrics = new Metrics();
    const adapter = await started(
      createSlackAdapter({
        config: { botToken: "xoxb-test", mode: { kind: "http", signingSecret: "signing-secret-0001" }, apiUrl: fake.url },
        coach,
        log,
        retryConfig: { retries: 0 },
        metrics: metrics.platform("slack"),
      }),
    );
    expect(adapter.health()).toEqual({ ready: true, detail: "connected" });
    for (let i = 0; i < 2; i++) fake.failNext("chat.postMessage", { status: 200, error: "token_revoked" });
    const post = (text: string) =>
      adapter.messenger.send(
        { kind: "channel", cohort: { platform: "slack", workspaceId: "T1", channelId: "C1" } },
        { kind: "no-reviews", promptId: 1, answerCount: 0 },
        text,
      );
    await expect(post("a")).rejects.toThrow();
    await expect(post("b")).rejects.toThrow();
    await expect.poll(() => adapter.health().ready).toBe(false);
    expect(errors().filter((l) => l.msg.startsWith("Slack rejected SLACK_BOT_TOKEN (token_revoked)"))).toHaveLength(1);
    // Every call the fake saw was counted, and the two refused ones as errors.
    const exposed = await metrics.registry.metrics();
    expect(fake.calls.length).toBeGreaterThanOrEqual(4);
    expect(exposed).toContain(`coach_platform_calls_total{platform="slack"} ${fake.calls.length}`);
    expect(exposed).toContain('coach_platform_errors_total{platform="slack"} 2');
  });

  it("Discord without the Message Content intent: one line naming the intent and where to turn it on", async () => {
    const fake = await startFakeDiscord({ allowMessageContent: false });
    cleanups.push(() => fake.close());
    const { log, errors } = capture();
    const adapter = await started(createDiscordAdapter({ config: { token: "fake-bot-token-0123456789", applicationId: fake.applicationId, apiUrl: fake.apiUrl, guildId: undefined }, coach, log }));
    expect(errors().map((l) => l.msg)).toEqual([expect.stringMatching(/^Discord refused the gateway connection: the Message Content intent is not enabled.*Turn on Message Content Intent under Bot > Privileged Gateway Intents/)]);
    expect(adapter.health().ready).toBe(false);
  });

  it("Discord unreachable: one line naming the URL, not ready", async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}/api`;
    const { log, errors } = capture();
    const adapter = await started(createDiscordAdapter({ config: { token: "fake-bot-token-0123456789", applicationId: "123456789012", apiUrl, guildId: undefined }, coach, log }));
    expect(errors().map((l) => l.msg)).toEqual([expect.stringMatching(new RegExp(`^Cannot reach Discord at ${apiUrl} \\(`))]);
    expect(adapter.health().ready).toBe(false);
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { startFakeDiscord } from "./fakes/discord/fake-discord.ts";
import { startFakeOpenAi } from "./fakes/fake-openai.ts";
import { postToBolt, signedRequest, slashCommandPayload, startFakeSlack } from "./fakes/slack/index.ts";
import { waitForResponse } from "./slack/harness.ts";
import { START_TIMEOUT_MS, startApp, startWithNpm, stopAllApps } from "./support/process.ts";

const workDir = mkdtempSync(path.join(tmpdir(), "cohort-coach-start-"));
afterEach(stopAllApps);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const baseEnv = (dataDir: string) => ({ DATA_DIR: dataDir, PORT: "0", QUESTIONS_DIR: "tests/fixtures/questions" });

async function startAndStop(dataDir: string) {
  const app = startApp(baseEnv(dataDir));
  const [line, room] = await Promise.all([app.waitForLine((l) => l.includes("Cohort Coach started")), app.waitForLine((l) => l.includes("Practice room: open"))]);
  const started = JSON.parse(line) as { port: number; slack: string; discord: string; ai: string; questions: { added: number } };
  // Without credentials the practice room is served, on loopback, at the address the log names.
  expect(JSON.parse(room)).toMatchObject({ practiceRoom: `http://127.0.0.1:${started.port}/` });
  expect((await fetch(`http://127.0.0.1:${started.port}/`)).status).toBe(200);
  const health = await fetch(`http://127.0.0.1:${started.port}/healthz`);
  const stoppingAt = Date.now();
  app.child.kill("SIGINT");
  const exit = await app.exit();
  return { started, health, body: (await health.json()) as unknown, exit, stopMs: Date.now() - stoppingAt };
}

/** True once nothing accepts connections on the port any more. */
const portClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });

describe("npm start", { timeout: 3 * START_TIMEOUT_MS }, () => {
  it("creates the data directory, serves /healthz and stops cleanly on SIGINT, then restarts on the same data", async () => {
    const dataDir = path.join(workDir, "data");
    const first = await startAndStop(dataDir);
    expect(existsSync(dataDir)).toBe(true);
    expect(first.health.status).toBe(200);
    expect(first.body).toEqual({ status: "ok", database: "reachable" });
    expect(first.started.slack).toContain("SLACK_BOT_TOKEN");
    expect(first.started.discord).toContain("DISCORD_TOKEN");
    expect(first.started.ai).toContain("AI_BASE_URL");
    expect(first.started.questions.added).toBeGreaterThan(0);
    expect(first.exit).toEqual({ code: 0, signal: null });
    expect(first.stopMs).toBeLessThan(5_000);

    const second = await startAndStop(dataDir);
    expect(second.health.status).toBe(200);
    expect(second.started.questions.added).toBe(0);
    expect(second.exit.code).toBe(0);
    // Two cold starts of the embedded database; generous for a shared two-core machine.
  }, 120_000);

  it.each([
    ["DATABASE_URL", { DATABASE_URL: "not-a-url" }],
    ["PORT", { PORT: "abc" }],
  ])("exits non-zero naming %s when it is malformed, writing nothing", async (variable, bad) => {
    const dataDir = path.join(workDir, `untouched-${variable}`);
    const app = startApp({ ...baseEnv(dataDir), ...bad });
    const exit = await app.exit();
    expect(exit.code).not.toBe(0);
    const lines = app.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("refuses to start on a broken question file, naming the file and the path inside it", async () => {
    const dataDir = path.join(workDir, "broken-bank");
    const app = startApp({ ...baseEnv(dataDir), QUESTIONS_DIR: "tests/fixtures/broken-questions" });
    const exit = await app.exit();
    expect(exit.code).not.toBe(0);
    expect(app.output()).toContain('dangling-rubric.yaml: questions[1].rubric: unknown rubric "stakeholder"');
    expect(existsSync(dataDir)).toBe(false);
  });

  it("starts Slack (HTTP mode), Discord and the AI reviewer from the environment, keeps their secrets out of the log, and stops cleanly", async () => {
    const botToken = "xoxb-startup-secret-0001";
    const signingSecret = "startup-signing-secret-0002";
    const discordToken = "startup-discord-token-secret-0003";
    const aiKey = "sk-startup-ai-key-secret-0004";
    const [slack, discord, ai] = await Promise.all([startFakeSlack(), startFakeDiscord({ token: discordToken }), startFakeOpenAi()]);
    try {
      slack.channels.addChannel({ id: "C0START", name: "practice", members: [slack.botUserId] });
      const app = startApp({
        ...baseEnv(path.join(workDir, "platforms")),
        LOG_LEVEL: "debug",
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.url,
        DISCORD_TOKEN: discordToken,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: discord.apiUrl,
        AI_BASE_URL: ai.baseUrl,
        AI_MODEL: "coach-model",
        AI_API_KEY: aiKey,
      });
      const [connected, line] = await Promise.all([app.waitForLine((l) => l.includes("discord connected")), app.waitForLine((l) => l.includes("Cohort Coach started"))]);
      expect(JSON.parse(connected)).toMatchObject({ platform: "discord", user: "cohort-coach" });
      const started = JSON.parse(line) as { port: number; slack: string; discord: string; ai: string };
      expect(started).toMatchObject({ slack: "enabled (http mode)", discord: "enabled", ai: `enabled (coach-model at ${new URL(ai.baseUrl).host})` });

      const url = `http://127.0.0.1:${started.port}/slack/events`;
      const responseUrl = slack.responseUrl();
      const help = slashCommandPayload({ text: "help", channel_id: "C0START", response_url: responseUrl });
      expect((await postToBolt(url, signingSecret, "command", help)).status).toBe(200);
      const reply = await waitForResponse(slack, responseUrl);
      expect(JSON.stringify(reply.body)).toContain("/coach leaderboard");
      expect((await postToBolt(url, signingSecret, "command", help, { forge: true })).status).toBe(401);
      // Hostile and failing requests are logged too, and those lines must not carry secrets either.
      const nullBody = await fetch(url, { method: "POST", headers: signedRequest(signingSecret, "null", { contentType: "application/json" }), body: "null" });
      expect(nullBody.status).toBe(400);
      await vi.waitFor(() => expect(app.output()).toContain("refused a malformed Slack request"), { timeout: 10_000 });
      slack.failNext("users.info", { status: 200, error: "invalid_auth" });
      const failing = slashCommandPayload({ text: "pause", channel_id: "C0START", user_id: "U0NEWCOMER", response_url: slack.responseUrl() });
      expect((await postToBolt(url, signingSecret, "command", failing)).status).toBe(200);
      await vi.waitFor(() => expect(app.output()).toContain("slack handler failed"), { timeout: 10_000 });
      // With credentials the practice room is off: the root is not a page, and no line points at it.
      expect((await fetch(`http://127.0.0.1:${started.port}/`)).status).toBe(404);
      expect(app.output()).not.toContain("Practice room");

      app.child.kill("SIGINT");
      expect((await app.exit()).code).toBe(0);
      for (const secret of [botToken, signingSecret, discordToken, aiKey]) expect(app.output()).not.toContain(secret);
      // Configured is not called: the AI reviews answers, and none was given.
      expect(ai.requests).toEqual([]);
    } finally {
      await Promise.all([slack.close(), discord.close(), ai.close()]);
    }
  });

  it("passes SIGTERM through npm start: the app stops and its port is closed within 5 s", async () => {
    const app = startWithNpm({ ...baseEnv(path.join(workDir, "npm-sigterm")), LOG_FORMAT: "json" });
    const started = JSON.parse(await app.waitForLine((l) => l.includes("Cohort Coach started"))) as { port: number };
    expect(await portClosed(started.port)).toBe(false);
    const signalledAt = Date.now();
    app.child.kill("SIGTERM");
    await app.exit();
    while (!(await portClosed(started.port)) && Date.now() - signalledAt < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await portClosed(started.port)).toBe(true);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    // npm exits as soon as it has passed the signal on; the app's last line can follow it on a busy machine.
    await vi.waitFor(() => expect(app.output()).toContain('"msg":"stopped"'), { timeout: 30_000, interval: 100 });
  });

  it("reports a port in use at once, naming PORT, before touching the database", async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "0.0.0.0", resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      const dataDir = path.join(workDir, "port-in-use");
      const app = startApp({ ...baseEnv(dataDir), PORT: String(port) });
      expect((await app.exit()).code).toBe(1);
      expect(app.output()).toContain(`PORT ${port} is already in use`);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      squatter.close();
    }
  });

  it("names DATA_DIR when it cannot hold the embedded database", async () => {
    const file = path.join(workDir, "a-file");
    writeFileSync(file, "not a directory");
    const app = startApp({ ...baseEnv(path.join(file, "data")) });
    expect((await app.exit()).code).toBe(1);
    expect(app.output()).toContain(`DATA_DIR=${path.join(file, "data")} cannot be used for the embedded database (ENOTDIR): point DATA_DIR at a writable directory`);
    expect(app.output()).not.toMatch(/\n\s+at /);
  });

  it("prints progress with timings, serves /readyz and /metrics, and answers HEAD", async () => {
    const app = startApp({ ...baseEnv(path.join(workDir, "progress")), LOG_FORMAT: "json" });
    const started = JSON.parse(await app.waitForLine((l) => l.includes("Cohort Coach started"))) as { port: number };
    const progress = app
      .output()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string; ms?: number });
    for (const step of ["listening on port", "database opened", "migrations applied", "questions synced", "Cohort Coach started"]) {
      expect(progress.find((p) => p.msg.startsWith(step))?.ms, step).toEqual(expect.any(Number));
    }
    const base = `http://127.0.0.1:${started.port}`;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", database: "ok" });
    for (const route of ["/healthz", "/readyz"]) {
      const head = await fetch(`${base}${route}`, { method: "HEAD" });
      expect(head.status, route).toBe(200);
      expect(await head.text(), route).toBe("");
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of ["coach_ticks_total", "coach_tick_duration_seconds", "coach_answers_recorded_total", "coach_platform_calls_total", "process_resident_memory_bytes"]) {
      expect(metrics, name).toContain(name);
    }
  });

  it("prints readable lines with LOG_FORMAT=pretty", async () => {
    const app = startApp({ ...baseEnv(path.join(workDir, "progress")), LOG_FORMAT: "pretty" });
    await app.waitForLine((l) => l.includes("Cohort Coach started"));
    expect(app.output()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: database opened \(embedded, DATA_DIR=.*\) \{"ms":\d+\}$/m);
  });

  it("says in one line each that the Slack and Discord tokens were refused, stays up not ready, and never blames the ack", async () => {
    const signingSecret = "startup-signing-secret-0002";
    const [slack, discord] = await Promise.all([startFakeSlack(), startFakeDiscord({ token: "the-right-discord-token-0000" })]);
    try {
      for (let i = 0; i < 5; i++) slack.failNext("auth.test", { status: 200, error: "invalid_auth" });
      slack.channels.addChannel({ id: "C0START", name: "practice", members: [slack.botUserId] });
      const app = startApp({
        ...baseEnv(path.join(workDir, "bad-tokens")),
        SLACK_BOT_TOKEN: "xoxb-revoked-0001",
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.url,
        DISCORD_TOKEN: "a-wrong-discord-token-0000",
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: discord.apiUrl,
      });
      const started = JSON.parse(await app.waitForLine((l) => l.includes("Cohort Coach started"))) as { port: number; ready: boolean };
      expect(started.ready).toBe(false);
      const lines = app.output().trim().split("\n").map((l) => JSON.parse(l) as { msg: string; level: number });
      expect(lines.filter((l) => l.msg.startsWith("Slack rejected SLACK_BOT_TOKEN (invalid_auth). Copy the Bot User OAuth Token"))).toHaveLength(1);
      expect(lines.filter((l) => l.msg.startsWith("Discord rejected DISCORD_TOKEN (invalid or reset token). Reset the token"))).toHaveLength(1);

      const ready = await fetch(`http://127.0.0.1:${started.port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: "not ready", database: "ok", slack: "Slack rejected SLACK_BOT_TOKEN (invalid_auth)", discord: expect.stringContaining("DISCORD_TOKEN") });
      expect((await fetch(`http://127.0.0.1:${started.port}/healthz`)).status).toBe(200);

      const help = slashCommandPayload({ text: "help", channel_id: "C0START", response_url: slack.responseUrl() });
      expect((await postToBolt(`http://127.0.0.1:${started.port}/slack/events`, signingSecret, "command", help)).status).toBe(503);
      app.child.kill("SIGTERM");
      expect((await app.exit()).code).toBe(0);
      expect(app.output()).not.toContain("not acknowledged");
      expect(app.output()).not.toMatch(/\n\s+at /);
    } finally {
      await Promise.all([slack.close(), discord.close()]);
    }
  });
});

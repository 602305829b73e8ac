import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeDiscord } from "./fakes/discord/fake-discord.ts";
import { postToBolt, slashCommandPayload, startFakeSlack } from "./fakes/slack/index.ts";
import { waitForResponse } from "./slack/harness.ts";
import { startApp } from "./support/process.ts";

const workDir = mkdtempSync(path.join(tmpdir(), "cohort-coach-start-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const baseEnv = (dataDir: string) => ({ DATA_DIR: dataDir, PORT: "0", QUESTIONS_DIR: "tests/fixtures/questions" });

async function startAndStop(dataDir: string) {
  const app = startApp(baseEnv(dataDir));
  const line = await app.waitForLine((l) => l.includes("Cohort Coach started"));
  const started = JSON.parse(line) as { port: number; slack: string; discord: string; questions: { added: number } };
  const health = await fetch(`http://127.0.0.1:${started.port}/healthz`);
  const stoppingAt = Date.now();
  app.child.kill("SIGINT");
  const exit = await app.exit();
  return { started, health, body: (await health.json()) as unknown, exit, stopMs: Date.now() - stoppingAt };
}

describe("npm start", () => {
  it("creates the data directory, serves /healthz and stops cleanly on SIGINT, then restarts on the same data", async () => {
    const dataDir = path.join(workDir, "data");
    const first = await startAndStop(dataDir);
    expect(existsSync(dataDir)).toBe(true);
    expect(first.health.status).toBe(200);
    expect(first.body).toEqual({ status: "ok", database: "reachable" });
    expect(first.started.slack).toContain("SLACK_BOT_TOKEN");
    expect(first.started.discord).toContain("DISCORD_TOKEN");
    expect(first.started.questions.added).toBeGreaterThan(0);
    expect(first.exit).toEqual({ code: 0, signal: null });
    expect(first.stopMs).toBeLessThan(5_000);

    const second = await startAndStop(dataDir);
    expect(second.health.status).toBe(200);
    expect(second.started.questions.added).toBe(0);
    expect(second.exit.code).toBe(0);
  });

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

  it("starts Slack (HTTP mode) and Discord from the environment, keeps their secrets out of the log, and stops cleanly", async () => {
    const botToken = "xoxb-startup-secret-0001";
    const signingSecret = "startup-signing-secret-0002";
    const discordToken = "startup-discord-token-secret-0003";
    const [slack, discord] = await Promise.all([startFakeSlack(), startFakeDiscord({ token: discordToken })]);
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
      });
      const [connected, line] = await Promise.all([app.waitForLine((l) => l.includes("discord connected")), app.waitForLine((l) => l.includes("Cohort Coach started"))]);
      expect(JSON.parse(connected)).toMatchObject({ platform: "discord", user: "cohort-coach" });
      const started = JSON.parse(line) as { port: number; slack: string; discord: string };
      expect(started).toMatchObject({ slack: "enabled (http mode)", discord: "enabled" });

      const url = `http://127.0.0.1:${started.port}/slack/events`;
      const responseUrl = slack.responseUrl();
      const help = slashCommandPayload({ text: "help", channel_id: "C0START", response_url: responseUrl });
      expect((await postToBolt(url, signingSecret, "command", help)).status).toBe(200);
      const reply = await waitForResponse(slack, responseUrl);
      expect(JSON.stringify(reply.body)).toContain("/coach leaderboard");
      expect((await postToBolt(url, signingSecret, "command", help, { forge: true })).status).toBe(401);

      app.child.kill("SIGINT");
      expect((await app.exit()).code).toBe(0);
      for (const secret of [botToken, signingSecret, discordToken]) expect(app.output()).not.toContain(secret);
    } finally {
      await Promise.all([slack.close(), discord.close()]);
    }
  });
});

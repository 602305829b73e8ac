import { readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, configVariables, loadConfig } from "../src/config.ts";

const expectConfigError = (env: NodeJS.ProcessEnv, variable: string) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    return (error as Error).message;
  }
  throw new Error(`expected ${variable} to be rejected`);
};

describe("loadConfig", () => {
  it("runs on the embedded database with defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: "pglite", dataDir: "./data" });
    expect(config.port).toBe(3000);
    expect(config.slack).toBeUndefined();
    expect(config.discord).toBeUndefined();
  });

  it("treats empty strings as unset", () => {
    const config = loadConfig({ DATABASE_URL: "", PORT: "", SLACK_BOT_TOKEN: "" });
    expect(config.database.kind).toBe("pglite");
    expect(config.port).toBe(3000);
    expect(config.slack).toBeUndefined();
  });

  it("names DATABASE_URL when it is not a postgres URL", () => {
    expectConfigError({ DATABASE_URL: "not-a-url" }, "DATABASE_URL");
  });

  it("names PORT when it is not a number", () => {
    expectConfigError({ PORT: "abc" }, "PORT");
  });

  it("requires a signing secret for Slack HTTP mode and none for Socket Mode", () => {
    expectConfigError({ SLACK_BOT_TOKEN: "xoxb-1" }, "SLACK_SIGNING_SECRET");
    const socket = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" });
    expect(socket.slack?.mode.kind).toBe("socket");
    const http = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "0123456789abcdef" });
    expect(http.slack?.mode.kind).toBe("http");
  });

  it("rejects a user token where a bot token belongs", () => {
    expectConfigError({ SLACK_BOT_TOKEN: "xoxp-1", SLACK_APP_TOKEN: "xapp-1" }, "SLACK_BOT_TOKEN");
  });

  it("refuses the test clock hook outside NODE_ENV=test, so production time cannot be replaced", () => {
    expectConfigError({ COACH_TEST_CLOCK_FILE: "/tmp/now" }, "COACH_TEST_CLOCK_FILE");
    expectConfigError({ COACH_TEST_CLOCK_FILE: "/tmp/now", NODE_ENV: "production" }, "COACH_TEST_CLOCK_FILE");
    expect(loadConfig({ COACH_TEST_CLOCK_FILE: "/tmp/now", NODE_ENV: "test" }).testClockFile).toBe("/tmp/now");
    expect(loadConfig({}).testClockFile).toBeUndefined();
  });

  it("needs both Discord variables together", () => {
    expectConfigError({ DISCORD_TOKEN: "a".repeat(30) }, "DISCORD_APPLICATION_ID");
    expect(loadConfig({ DISCORD_TOKEN: "a".repeat(30), DISCORD_APPLICATION_ID: "123456789" }).discord?.applicationId).toBe("123456789");
  });

  it("reads Discord shard count and this replica's shard ids, and names a bad combination", () => {
    const discord = { DISCORD_TOKEN: "a".repeat(30), DISCORD_APPLICATION_ID: "123456789" };
    expect(loadConfig(discord).discord?.sharding).toBeUndefined();
    expect(loadConfig({ ...discord, DISCORD_SHARD_COUNT: "4", DISCORD_SHARD_IDS: "3, 1" }).discord?.sharding).toEqual({ count: 4, ids: [1, 3] });
    expect(loadConfig({ ...discord, DISCORD_SHARD_COUNT: "2" }).discord?.sharding).toEqual({ count: 2, ids: [0, 1] });
    expect(() => loadConfig({ ...discord, DISCORD_SHARD_COUNT: "2", DISCORD_SHARD_IDS: "0,2" })).toThrow(/DISCORD_SHARD_IDS: shard ids must be below DISCORD_SHARD_COUNT \(2\); got 2/);
    expect(() => loadConfig({ ...discord, DISCORD_SHARD_IDS: "0" })).toThrow(/DISCORD_SHARD_COUNT: required when DISCORD_SHARD_IDS is set/);
    expect(() => loadConfig({ ...discord, DISCORD_SHARD_COUNT: "two" })).toThrow(/DISCORD_SHARD_COUNT/);
  });

  it("never echoes a secret in its error message", () => {
    const message = expectConfigError({ SLACK_BOT_TOKEN: "xoxp-secret-value", SLACK_APP_TOKEN: "xapp-1" }, "SLACK_BOT_TOKEN");
    expect(message).not.toContain("secret-value");
  });
});

describe("web settings", () => {
  it("opens the practice room on loopback only when no platform is configured", () => {
    expect(loadConfig({}).web).toEqual({ practiceRoom: true, host: "127.0.0.1", publicUrl: "http://127.0.0.1:3000" });
    const withSlack = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).web;
    expect(withSlack).toMatchObject({ practiceRoom: false, host: "0.0.0.0" });
  });

  it("lets the operator turn the room on beside a platform, choose the address and the public URL", () => {
    const web = loadConfig({ DISCORD_TOKEN: "x".repeat(30), DISCORD_APPLICATION_ID: "123456", PRACTICE_ROOM: "on", PUBLIC_URL: "https://coach.example.com/", PORT: "8080" }).web;
    expect(web).toEqual({ practiceRoom: true, host: "127.0.0.1", publicUrl: "https://coach.example.com" });
    expect(loadConfig({ PRACTICE_ROOM: "off", HOST: "0.0.0.0" }).web).toMatchObject({ practiceRoom: false, host: "0.0.0.0" });
    expect(loadConfig({ PORT: "8080" }).web.publicUrl).toBe("http://127.0.0.1:8080");
  });

  it.each([
    ["PRACTICE_ROOM", { PRACTICE_ROOM: "yes" }],
    ["HOST", { HOST: "localhost:80" }],
    ["PUBLIC_URL", { PUBLIC_URL: "coach.example.com" }],
  ])("names %s when it is malformed", (variable, env) => {
    expectConfigError(env, variable);
  });
});

describe("AI reviewer settings", () => {
  const on = { AI_BASE_URL: "http://127.0.0.1:11434/v1", AI_MODEL: "llama3.1" };

  it("is off unless AI_BASE_URL is set", () => {
    expect(loadConfig({}).ai).toBeUndefined();
    expect(loadConfig({ AI_BASE_URL: "", AI_MODEL: "", AI_API_KEY: "" }).ai).toBeUndefined();
  });

  it("turns on with AI_BASE_URL and AI_MODEL, with bounded defaults", () => {
    expect(loadConfig(on).ai).toEqual({
      baseUrl: "http://127.0.0.1:11434/v1",
      model: "llama3.1",
      apiKey: undefined,
      timeoutMs: 20_000,
      callsPerMinute: 20,
      dailyCapPerCohort: 200,
    });
  });

  it("reads the key and the limits when given", () => {
    const ai = loadConfig({ ...on, AI_API_KEY: "sk-abc", AI_TIMEOUT_MS: "5000", AI_CALLS_PER_MINUTE: "3", AI_DAILY_CAP_PER_COHORT: "40" }).ai;
    expect(ai).toMatchObject({ apiKey: "sk-abc", timeoutMs: 5000, callsPerMinute: 3, dailyCapPerCohort: 40 });
  });

  it("names AI_MODEL when AI_BASE_URL is set without it", () => {
    expect(expectConfigError({ AI_BASE_URL: on.AI_BASE_URL }, "AI_MODEL")).toMatch(/AI_MODEL: required when AI_BASE_URL is set/);
  });

  it("names AI_BASE_URL when a model or key is set without it, rather than silently staying off", () => {
    expectConfigError({ AI_MODEL: "gpt-4o-mini" }, "AI_BASE_URL");
    expectConfigError({ AI_API_KEY: "sk-abc" }, "AI_BASE_URL");
  });

  it.each([
    ["AI_BASE_URL", { AI_BASE_URL: "127.0.0.1:11434" }],
    ["AI_TIMEOUT_MS", { ...on, AI_TIMEOUT_MS: "soon" }],
    ["AI_TIMEOUT_MS", { ...on, AI_TIMEOUT_MS: "0" }],
    ["AI_CALLS_PER_MINUTE", { ...on, AI_CALLS_PER_MINUTE: "0" }],
    ["AI_CALLS_PER_MINUTE", { ...on, AI_CALLS_PER_MINUTE: "2.5" }],
    ["AI_DAILY_CAP_PER_COHORT", { ...on, AI_DAILY_CAP_PER_COHORT: "-1" }],
  ])("names %s when it is malformed", (variable, env) => {
    expectConfigError(env, variable);
  });

  it("never echoes the API key in an error", () => {
    const message = expectConfigError({ AI_API_KEY: "sk-very-secret-key", AI_MODEL: "m" }, "AI_BASE_URL");
    expect(message).not.toContain("sk-very-secret-key");
  });
});

describe(".env.example", () => {
  const example = parseEnv(readFileSync(path.resolve(import.meta.dirname, "../.env.example"), "utf8"));

  it("names every variable start-up reads", () => {
    // NODE_ENV is the runtime's own variable; .env.example mentions it beside COACH_TEST_CLOCK_FILE.
    const missing = configVariables.filter((name) => name !== "NODE_ENV" && !(name in example));
    expect(missing, "add these to .env.example").toEqual([]);
  });

  it("copied unchanged, starts with the same settings as no .env at all", () => {
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

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

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabases } from "../support/databases.ts";
import { startHarness, type Harness } from "./harness.ts";

describe.each(testDatabases())("Discord failure paths on $name", (target) => {
  let h: Harness;
  const logLines: string[] = [];

  beforeAll(async () => {
    h = await startHarness(target, { memberCount: 1, logLines });
    const setup = await h.fake.chatInput({ channelId: h.channelId, user: h.adminId, name: "coach", subcommand: "setup", options: { track: "humana/ai-pm" } }).reply();
    expect(String(setup.data?.content)).toContain("cohort");
  });
  afterAll(async () => {
    expect(h?.fake.unknownCalls ?? []).toEqual([]);
    await h?.close();
  });

  it("shows a generic private apology and logs the cause when Discord refuses a post", async () => {
    h.fake.failNext("POST /channels/:id/messages", { status: 403, body: { message: "Missing Access", code: 50001 } });
    const reply = await h.fake.chatInput({ channelId: h.channelId, user: h.adminId, name: "coach", subcommand: "post-now" }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(String(reply.data?.content)).toBe("Something went wrong on our side; nothing was changed. Please try again in a minute.");
    expect(String(reply.data?.content)).not.toMatch(/Missing Access|at .*\.ts/);
    const logged = logLines.map((l) => JSON.parse(l) as { msg: string; level: number; subcommand?: string; err?: { message: string } });
    expect(logged).toContainEqual(expect.objectContaining({ msg: "discord interaction failed", level: 50, subcommand: "post-now", err: expect.objectContaining({ message: "Missing Access" }) }));
    expect(h.fake.messages(h.channelId)).toHaveLength(0);
  });

  it("tells the user in plain words when a command needs a cohort", async () => {
    const other = h.fake.addChannel(h.guildId, { name: "random" }).id;
    const reply = await h.fake.chatInput({ channelId: other, user: h.adminId, name: "coach", subcommand: "me" }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(String(reply.data?.content)).toContain("This channel is not a cohort yet");
  });

  it("refuses setup where the bot cannot post or start threads, naming the missing permissions", async () => {
    const reply = await h.fake
      .chatInput({ channelId: h.channelId, user: h.adminId, name: "coach", subcommand: "setup", options: { track: "humana/ai-pm" }, appPermissions: "ViewChannel" })
      .reply();
    expect(String(reply.data?.content)).toContain("Send Messages, Create Public Threads, Send Messages in Threads");
  });

  it("answers a button id it does not know with a private note instead of an error", async () => {
    const reply = await h.fake.button({ channelId: h.channelId, user: h.members[0]!, customId: "cc:nope:1", message: { id: "1", channel_id: h.channelId, content: "", author: { id: h.fake.botUser.id, username: "bot" } } }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(String(reply.data?.content)).toContain("older version");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StepTakenOver } from "../../src/core/prompts/step-lease.ts";
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
    expect(String(reply.data?.content)).toContain("Send Messages, Embed Links, Create Public Threads, Send Messages in Threads, Read Message History, Add Reactions");
    const oneMissing = await h.fake
      .chatInput({
        channelId: h.channelId,
        user: h.adminId,
        name: "coach",
        subcommand: "setup",
        options: { track: "humana/ai-pm" },
        appPermissions: ["ViewChannel", "SendMessages", "EmbedLinks", "CreatePublicThreads", "SendMessagesInThreads", "ReadMessageHistory"],
      })
      .reply();
    expect(String(oneMissing.data?.content)).toContain("I am missing Add Reactions in this channel");
  });

  it("turns reminders off and on for admins only, and lists every subcommand in help from the definitions", async () => {
    const cohort = () => h.coach.cohort({ platform: "discord", workspaceId: h.guildId, channelId: h.channelId });
    const run = (user: string, state: string) =>
      h.fake.chatInput({ channelId: h.channelId, user, name: "coach", subcommand: "reminders", options: { state } }).reply();
    expect(String((await run(h.members[0]!, "off")).data?.content)).toContain("Only this cohort's admins");
    expect(String((await run(h.adminId, "off")).data?.content)).toContain("Reminders off");
    expect((await cohort())!.remindersEnabled).toBe(false);
    expect(String((await run(h.adminId, "on")).data?.content)).toContain("Reminders on");
    expect((await cohort())!.remindersEnabled).toBe(true);
    const help = JSON.stringify((await h.fake.chatInput({ channelId: h.channelId, user: h.members[0]!, name: "coach", subcommand: "help" }).reply()).data);
    for (const line of ["**/coach reminders** state", "**/coach schedule** [track] [time] [zone] [days]", "**/coach admin add** user", "**/drill** [track] [category]"]) expect(help).toContain(line);
  });

  it("answers a button id it does not know with a private note instead of an error", async () => {
    const reply = await h.fake.button({ channelId: h.channelId, user: h.members[0]!, customId: "cc:nope:1", message: { id: "1", channel_id: h.channelId, content: "", author: { id: h.fake.botUser.id, username: "bot" } } }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(String(reply.data?.content)).toContain("older version");
  });

  it("posts a question once when the engine retries the same send after a crash: the nonce brings back the first post and its thread", async () => {
    const channelId = h.fake.addChannel(h.guildId, { name: "retry-practice" }).id;
    const cohort = { platform: "discord" as const, workspaceId: h.guildId, channelId };
    const question = (await h.repos.questions.activeQuestions("humana/ai-pm"))[0]!;
    const message = { kind: "prompt" as const, promptId: 999, question, round: "Product sense", answersCloseAt: new Date("2026-10-28T21:00:00Z"), timeZone: "America/New_York" };
    const first = await h.adapter.messenger.send({ kind: "channel", cohort }, message, "prompt:999:post");
    const again = await h.adapter.messenger.send({ kind: "channel", cohort }, message, "prompt:999:post");
    expect(again).toEqual(first);
    expect(h.fake.messages(channelId)).toHaveLength(1);
    expect(first.threadRef).toMatch(/^discord:thread:\d+$/);
  });

  it("sends nothing for a step another worker retook: the step's fence runs before the post goes to Discord", async () => {
    const channelId = h.fake.addChannel(h.guildId, { name: "fenced-practice" }).id;
    const cohort = { platform: "discord" as const, workspaceId: h.guildId, channelId };
    const message = { kind: "no-reviews" as const, promptId: 998, answerCount: 1 };
    const retaken = () => Promise.reject(new StepTakenOver(998, "open-reviews"));
    await expect(h.adapter.messenger.send({ kind: "channel", cohort }, message, "prompt:998:open-reviews", { fence: retaken })).rejects.toBeInstanceOf(StepTakenOver);
    expect(h.fake.messages(channelId)).toHaveLength(0);
  });
});

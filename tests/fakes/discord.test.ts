import { once } from "node:events";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  Partials,
  PermissionFlagsBits,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
  type Message,
  type TextChannel,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "./discord/fake-discord.ts";

let fake: FakeDiscord;
let client: Client;
let guildId: string;
let channelId: string;
let adminId: string;
let learnerId: string;

function nextInteraction(): Promise<Interaction> {
  return once(client, Events.InteractionCreate).then(([interaction]) => interaction as Interaction);
}

function nextMessage(predicate: (message: Message) => boolean, timeoutMs = 5000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(Events.MessageCreate, listener);
      reject(new Error("no matching messageCreate"));
    }, timeoutMs);
    const listener = (message: Message) => {
      if (!predicate(message)) return;
      clearTimeout(timer);
      client.off(Events.MessageCreate, listener);
      resolve(message);
    };
    client.on(Events.MessageCreate, listener);
  });
}

function textChannel(): TextChannel {
  return client.channels.cache.get(channelId) as TextChannel;
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  const guild = fake.addGuild({ name: "Interview Cohort" });
  guildId = guild.id;
  channelId = fake.addChannel(guildId, { name: "daily-practice", type: 0 }).id;
  adminId = fake.addMember(guildId, { username: "coach", permissions: "ManageGuild" }).id;
  learnerId = fake.addMember(guildId, { username: "learner" }).id;

  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    partials: [Partials.Channel],
    rest: { api: fake.apiUrl },
  });
  const ready = once(client, Events.ClientReady);
  await client.login("fake-bot-token");
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

describe("fake Discord with the real discord.js client", () => {
  it("logs in through GET /gateway/bot, IDENTIFY and READY, with the guild cached from GUILD_CREATE", () => {
    expect(fake.callsTo("GET /gateway/bot")).toHaveLength(1);
    expect(fake.identifies).toBe(1);
    expect(Number(fake.gateway.lastIdentify?.intents) & GatewayIntentBits.MessageContent).toBeTruthy();
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(guildId);
    expect(guild?.name).toBe("Interview Cohort");
    expect(guild?.channels.cache.get(channelId)?.name).toBe("daily-practice");
    expect(guild?.members.cache.get(adminId)?.permissions.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(guild?.members.cache.get(learnerId)?.permissions.has(PermissionFlagsBits.ManageGuild)).toBe(false);
  });

  it("records a bulk guild command overwrite and returns the commands with ids", async () => {
    const commands = await client.application!.commands.set(
      [{ name: "cohort", description: "Cohort admin", options: [] }],
      guildId,
    );
    expect(commands.first()?.id).toMatch(/^\d+$/);
    const call = await fake.waitFor("PUT /applications/:app/guilds/:guild/commands");
    expect(call.params.guild).toBe(guildId);
    expect(call.body).toEqual([expect.objectContaining({ name: "cohort" })]);
    expect(fake.registeredCommands(guildId)).toHaveLength(1);
  });

  it("delivers a chat-input command with nested subcommand options and records an ephemeral reply", async () => {
    const received = nextInteraction();
    const handle = fake.chatInput({
      channelId,
      user: adminId,
      name: "cohort",
      options: [
        {
          type: 2,
          name: "schedule",
          options: [{ type: 1, name: "set", options: [{ type: 3, name: "time", value: "09:30" }] }],
        },
      ],
    });
    const interaction = await received;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
    expect(interaction.id).toBe(handle.id);
    expect(interaction.commandName).toBe("cohort");
    expect(interaction.commandId).toBe(fake.registeredCommands(guildId)[0]?.id);
    expect(interaction.options.getSubcommandGroup()).toBe("schedule");
    expect(interaction.options.getSubcommand()).toBe("set");
    expect(interaction.options.getString("time")).toBe("09:30");
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);

    await interaction.reply({ content: "Saved", flags: MessageFlags.Ephemeral });
    const callback = await handle.reply();
    expect(callback.type).toBe(4);
    expect(callback.ephemeral).toBe(true);
    expect(Number(callback.data?.flags) & 64).toBe(64);
    expect(callback.call.headers.authorization).toBeUndefined();

    await interaction.editReply({ content: "Saved for 09:30" });
    const edit = await handle.waitForOriginalEdit();
    expect(edit.route).toBe("PATCH /webhooks/:app/:token/messages/@original");
    expect(edit.body).toMatchObject({ content: "Saved for 09:30" });

    // A replayed INTERACTION_CREATE carries the same id; a second callback is refused like on Discord.
    const replayed = nextInteraction();
    fake.replay(handle);
    const again = await replayed;
    expect(again.id).toBe(handle.id);
    if (!again.isChatInputCommand()) throw new Error("expected a chat input command");
    const error = await again.reply({ content: "again" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(40060);
  });

  it("answers autocomplete with choices", async () => {
    const received = nextInteraction();
    const handle = fake.autocomplete({ channelId, user: learnerId, name: "cohort", options: { track: "back" }, focused: "track" });
    const interaction = await received;
    if (!interaction.isAutocomplete()) throw new Error("expected autocomplete");
    expect(interaction.options.getFocused()).toBe("back");
    await interaction.respond([{ name: "Backend", value: "backend" }]);
    const callback = await handle.reply();
    expect(callback.type).toBe(8);
    expect(callback.data?.choices).toEqual([{ name: "Backend", value: "backend" }]);
  });

  it("turns a button click into an update of the bot's message", async () => {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId("rate:3").setLabel("3").setStyle(ButtonStyle.Primary),
    );
    const posted = await textChannel().send({ content: "Rate this answer", components: [row] });

    const received = nextInteraction();
    const handle = fake.button({ channelId, user: learnerId, customId: "rate:3", message: posted.id });
    const interaction = await received;
    if (!interaction.isButton()) throw new Error("expected a button");
    expect(interaction.customId).toBe("rate:3");
    expect(interaction.message.id).toBe(posted.id);
    await interaction.update({ content: "Rated 3", components: [] });

    const callback = await handle.reply();
    expect(callback.type).toBe(7);
    expect(fake.message(posted.id)?.content).toBe("Rated 3");
  });

  it("shows a modal and delivers its submission", async () => {
    const received = nextInteraction();
    const click = fake.button({ channelId, user: learnerId, customId: "answer", message: fake.messages(channelId).at(-1)!.id as string });
    const interaction = await received;
    if (!interaction.isButton()) throw new Error("expected a button");
    await interaction.showModal(
      new ModalBuilder()
        .setCustomId("answer-modal")
        .setTitle("Your answer")
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder().setCustomId("body").setLabel("Answer").setStyle(TextInputStyle.Paragraph),
          ),
        ),
    );
    const callback = await click.reply();
    expect(callback.type).toBe(9);
    expect(callback.data?.custom_id).toBe("answer-modal");

    const submitted = nextInteraction();
    const submit = fake.modalSubmit({ channelId, user: learnerId, customId: "answer-modal", fields: { body: "Use a hash map" } });
    const modal = await submitted;
    if (!modal.isModalSubmit()) throw new Error("expected a modal submit");
    expect(modal.fields.getTextInputValue("body")).toBe("Use a hash map");
    await modal.deferReply({ flags: MessageFlags.Ephemeral });
    expect((await submit.reply()).type).toBe(5);
    await modal.editReply("Recorded");
    expect((await submit.waitForOriginalEdit()).body).toMatchObject({ content: "Recorded" });
  });

  it("honours nonce + enforce_nonce, including a retry after a lost response", async () => {
    const first = await textChannel().send({ content: "Question of the day", nonce: "qotd-1", enforceNonce: true });
    const second = await textChannel().send({ content: "Question of the day", nonce: "qotd-1", enforceNonce: true });
    expect(second.id).toBe(first.id);

    // The create succeeds but the response is a 500; @discordjs/rest retries with the same nonce.
    fake.failNext("POST /channels/:id/messages", { status: 500, body: { message: "boom", code: 0 }, afterHandling: true });
    const retried = await textChannel().send({ content: "Leaderboard", nonce: "board-1", enforceNonce: true });
    const boards = fake.messages(channelId).filter((m) => m.content === "Leaderboard");
    expect(boards).toHaveLength(1);
    expect(boards[0]?.id).toBe(retried.id);
    expect(fake.messages(channelId).filter((m) => m.content === "Question of the day")).toHaveLength(1);
  });

  it("records multipart uploads so a test can read back a CSV", async () => {
    const mark = fake.mark();
    await textChannel().send({ content: "Export", files: [{ attachment: Buffer.from("user,score\nlearner,3\n"), name: "scores.csv" }] });
    const call = await fake.waitFor("POST /channels/:id/messages", undefined, mark);
    expect(call.body).toMatchObject({ content: "Export" });
    expect(call.files[0]?.filename).toBe("scores.csv");
    expect(call.files[0]?.bytes.toString("utf8")).toBe("user,score\nlearner,3\n");
    const stored = fake.messages(channelId).at(-1) as { attachments: { url: string }[] };
    const download = await fetch(stored.attachments[0]!.url);
    expect(await download.text()).toBe("user,score\nlearner,3\n");
  });

  it("starts a thread from a message and delivers MESSAGE_CREATE from inside it", async () => {
    const question = await textChannel().send("Explain a B-tree");
    const thread = await question.startThread({ name: "Answers: B-tree" });
    expect(thread.id).toBe(question.id);
    expect(thread.parentId).toBe(channelId);
    expect(fake.threads(channelId).map((t) => t.id)).toContain(thread.id);

    const arrived = nextMessage((m) => m.channelId === thread.id && !m.author.bot);
    fake.messageCreate({ channelId: thread.id, author: learnerId, content: "It keeps keys sorted" });
    const message = await arrived;
    expect(message.content).toBe("It keeps keys sorted");
    expect(message.channel.isThread()).toBe(true);
  });

  it("opens a DM channel and answers unknown routes with a recorded 404", async () => {
    const dm = await client.users.send(learnerId, "Your streak is 3 days");
    expect(fake.callsTo("POST /users/@me/channels")).toHaveLength(1);
    expect(fake.messages(dm.channelId).map((m) => m.content)).toEqual(["Your streak is 3 days"]);

    const error = await client.rest.get("/nothing/123").catch((e: unknown) => e);
    expect((error as DiscordAPIError).status).toBe(404);
    expect(fake.unknownCalls.map((c) => c.route)).toContain("GET /nothing/:id");
  });

  it("resumes after a dropped connection and keeps delivering events", async () => {
    const resumesBefore = fake.resumes;
    fake.dropConnection();
    expect(await fake.waitForReconnect()).toBe("resume");
    expect(fake.resumes).toBe(resumesBefore + 1);

    const arrived = nextMessage((m) => m.content === "after resume");
    fake.messageCreate({ channelId, author: learnerId, content: "after resume" });
    expect((await arrived).channelId).toBe(channelId);
  });

  it("resumes after withheld heartbeat ACKs (zombie connection)", async () => {
    fake.withholdHeartbeatAcks(true);
    const reconnect = fake.waitForReconnect(6000);
    await expect(reconnect).resolves.toBe("resume");
    fake.withholdHeartbeatAcks(false);
  });

  it("lets a reconnected client fetch a message created while it was disconnected", async () => {
    const lastSeen = fake.messages(channelId).at(-1)!.id as string;
    const seen: string[] = [];
    const listener = (m: Message) => seen.push(m.content);
    client.on(Events.MessageCreate, listener);

    fake.dropConnection();
    expect(fake.connected).toBe(false);
    const missed = fake.messageCreate({ channelId, author: learnerId, content: "sent during the outage" });
    await fake.waitForReconnect();

    const fetched = await textChannel().messages.fetch({ after: lastSeen });
    expect(fetched.has(missed.id as string)).toBe(true);
    expect(fetched.get(missed.id as string)?.content).toBe("sent during the outage");
    client.off(Events.MessageCreate, listener);
    expect(seen).not.toContain("sent during the outage");
  });
});

describe("fake Discord's global rate limit", () => {
  let limited: FakeDiscord;
  let now = 0;
  beforeAll(async () => {
    limited = await startFakeDiscord({ globalRequestsPerSecond: 2, now: () => now });
  });
  afterAll(() => limited.close());

  const asBot = () => fetch(`${limited.apiUrl}/v10/gateway/bot`, { headers: { authorization: "Bot token" } });

  it("answers a bot request past the limit within a second 429, global, with Retry-After, and exempts interaction callbacks", async () => {
    now = 10_000;
    expect((await asBot()).status).toBe(200);
    now = 10_400;
    expect((await asBot()).status).toBe(200);
    now = 10_900;
    const refused = await asBot();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.headers.get("x-ratelimit-global")).toBe("true");
    expect(await refused.json()).toMatchObject({ global: true, retry_after: 0.1 });
    // Interaction callbacks are outside the global limit: this one is unknown (404), not refused.
    const callback = await fetch(`${limited.apiUrl}/v10/interactions/1/token/callback`, { method: "POST", headers: { "content-type": "application/json" }, body: "{\"type\":4}" });
    expect(callback.status).toBe(404);

    // A second after the first request its slot is free again; the refused one took none.
    now = 11_000;
    expect((await asBot()).status).toBe(200);
    now = 11_100;
    expect((await asBot()).status).toBe(429);
    expect(limited.calls.filter((c) => c.route === "GET /gateway/bot").map((c) => c.status)).toEqual([200, 200, 429, 200, 429]);
  });
});

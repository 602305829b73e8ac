import path from "node:path";
import type { AiSettings } from "../../src/core/ai/review-queue.ts";
import type { Clock } from "../../src/core/clock.ts";
import { Coach } from "../../src/core/coach.ts";
import type { Repositories } from "../../src/core/ports.ts";
import type { Database } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { deployCommands } from "../../src/discord/deploy-commands.ts";
import { createDiscordAdapter } from "../../src/discord/index.ts";
import { createLogger } from "../../src/logger.ts";
import { MessengerRouter, type PlatformAdapter } from "../../src/platforms.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { FixedClock, silentLog } from "../fakes/core.ts";
import { startFakeDiscord, type FakeDiscord, type FakeInteraction, type Json } from "../fakes/discord/fake-discord.ts";
import type { TestDatabase } from "../support/databases.ts";

const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../questions"));

export interface Harness {
  readonly fake: FakeDiscord;
  readonly database: Database;
  readonly repos: Repositories;
  readonly coach: Coach;
  readonly clock: FixedClock;
  readonly adapter: PlatformAdapter;
  readonly guildId: string;
  readonly channelId: string;
  readonly adminId: string;
  /** Members without Manage Server. */
  readonly members: readonly string[];
  close(): Promise<void>;
}

/** The real adapter, wired as main.ts wires it, against the fake Discord and a fresh database. */
export async function startHarness(
  target: TestDatabase,
  options: { memberCount?: number; logLines?: string[]; wrapRepos?: (repos: Repositories) => Repositories; wrapCoach?: (coach: Coach) => Coach; ai?: AiSettings | ((clock: Clock) => AiSettings) } = {},
): Promise<Harness> {
  const memberCount = options.memberCount ?? 5;
  // No 3 s interaction deadline here: on a busy machine a correct handler can be slower
  // than Discord allows, and these tests are about what it answers, not how fast. Heartbeats
  // at Discord's own pace, not the fake's 1 s: when a busy machine stalls the event loop past
  // one interval, discord.js runs its heartbeat timer before reading the ACK, takes the socket
  // for a zombie and reconnects, and a slash command dispatched in that gap is lost (CI saw a
  // leaderboard command go unanswered for 60 s right after such a reconnect's catch-up).
  const [database, fake] = await Promise.all([target.open(), startFakeDiscord({ waitTimeoutMs: 60_000, interactionDeadlineMs: Infinity, heartbeatIntervalMs: 41_250 })]);
  const repos = (options.wrapRepos ?? ((r) => r))(createRepositories(database.db));
  // Wednesday 10:00 in New York: inside a posting day.
  const clock = new FixedClock(new Date("2026-10-28T14:00:00Z"));
  await repos.questions.sync(bank, clock.now());
  const router = new MessengerRouter();
  const coach = new Coach({ repos, messenger: router, clock, log: silentLog, ai: typeof options.ai === "function" ? options.ai(clock) : options.ai }, { timeZone: "America/New_York", postTime: "09:00" });

  const guild = fake.addGuild({ name: "Interview Prep" });
  const channelId = fake.addChannel(guild.id, { name: "daily-practice" }).id;
  const adminId = fake.addMember(guild.id, { username: "organizer", globalName: "Org", permissions: "ManageGuild" }).id;
  const members = Array.from({ length: memberCount }, (_, i) => fake.addMember(guild.id, { username: `learner${i + 1}`, globalName: `Learner ${i + 1}` }).id);

  const config = { token: "fake-bot-token-0123456789", applicationId: fake.applicationId, apiUrl: fake.apiUrl, guildId: guild.id };
  await deployCommands(config);
  const adapter = createDiscordAdapter({ config, coach: options.wrapCoach ? options.wrapCoach(coach) : coach, log: options.logLines
      ? createLogger("info", { write: (line: string) => void options.logLines!.push(line) })
      : createLogger(process.env.TEST_LOG_LEVEL ?? "silent") });
  router.register(adapter.platform, adapter.messenger);
  await adapter.start();

  return {
    fake,
    database,
    repos,
    coach,
    clock,
    adapter,
    guildId: guild.id,
    channelId,
    adminId,
    members,
    async close() {
      await adapter.stop();
      await fake.close();
      await database.close();
    },
  };
}

/** What the user's client would load: the interaction's original (often ephemeral) message. */
export async function originalMessage(fake: FakeDiscord, handle: FakeInteraction): Promise<Json> {
  const response = await fetch(`${fake.apiUrl}/v10/webhooks/${handle.applicationId}/${handle.token}/messages/@original`);
  if (!response.ok) throw new Error(`no original message: ${response.status}`);
  return (await response.json()) as Json;
}

export interface ButtonView {
  readonly customId: string;
  readonly label: string;
  readonly style: number;
  readonly disabled: boolean;
}

/** Buttons of a message payload, row by row. */
export function buttonRows(message: Json | undefined): ButtonView[][] {
  const rows = ((message?.components as Json[] | undefined) ?? []) as Json[];
  return rows.map((row) =>
    ((row.components as Json[] | undefined) ?? []).map((b) => ({
      customId: String(b.custom_id),
      label: String(b.label ?? ""),
      style: Number(b.style),
      disabled: Boolean(b.disabled),
    })),
  );
}

export const embedsOf = (data: Json | undefined): Json[] => ((data?.embeds as Json[] | undefined) ?? []) as Json[];

export const embedText = (data: Json | undefined): string =>
  embedsOf(data)
    .map((e) => [e.title, e.description, ...((e.fields as Json[] | undefined) ?? []).map((f) => `${String(f.name)}: ${String(f.value)}`)].filter(Boolean).join("\n"))
    .join("\n");

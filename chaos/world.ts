import { randomBytes } from "node:crypto";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { CohortAddress, ScheduleSettings } from "../src/core/cohorts/types.ts";
import type { Repositories } from "../src/core/ports.ts";
import { openDatabase, type Database } from "../src/db/client.ts";
import { createRepositories } from "../src/db/repositories/index.ts";
import { loadQuestionBank } from "../src/questions/loader.ts";
import { startFakeDiscord, type FakeDiscord } from "../tests/fakes/discord/fake-discord.ts";
import type { SlackRateLimits } from "../tests/fakes/slack/fake-slack.ts";
import { postToBolt, startFakeSlack, type FakeSlack, type InboundKind, type Payload } from "../tests/fakes/slack/index.ts";
import { Replica, repoRoot } from "./replica.ts";
import { TcpProxy } from "./tcp-proxy.ts";

export const SERVER_URL = process.env.CHAOS_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const SIGNING_SECRET = "chaos-signing-secret-0123";
const DISCORD_TOKEN = "chaos-discord-token-0123456789";
/** Generous: tsx compiles the app on start, and eight engineers share two cores. */
export const START_TIMEOUT_MS = 180_000;
export const EVENT_TIMEOUT_MS = 120_000;

const bank = loadQuestionBank(path.join(repoRoot, "questions"));

export interface ReplicaOptions {
  readonly discord?: boolean;
  readonly slack?: boolean;
}

/**
 * Everything one scenario runs against: a fresh database on the real server (dropped
 * at the end), fresh fake Slack and Discord servers on loopback, the test clock file
 * and the bot processes. Scenarios never share state.
 */
export class World {
  readonly replicas: Replica[] = [];
  private roundRobin = 0;
  private replicaSeq = 0;

  private constructor(
    readonly name: string,
    readonly slack: FakeSlack,
    readonly discord: FakeDiscord,
    readonly guildId: string,
    private readonly admin: postgres.Sql,
    readonly dbName: string,
    readonly database: Database,
    readonly repos: Repositories,
    private readonly clockDir: string,
    readonly proxy: TcpProxy | undefined,
    private clockAt: Date,
  ) {}

  static async create(name: string, options: WorldOptions): Promise<World> {
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    const dbName = `chaos_${name.replace(/\W/g, "_")}_${randomBytes(3).toString("hex")}`;
    await admin.unsafe(`create database "${dbName}"`);
    const database = await openDatabase({ kind: "postgres", url: withDatabase(SERVER_URL, dbName) });
    // Migrate and load questions once here, so the scenarios measure fan-out, not start-up races.
    await database.migrate();
    const repos = createRepositories(database.db);
    await repos.questions.sync(bank, options.start);
    const [slack, discord] = await Promise.all([
      startFakeSlack({ defaultTimeoutMs: EVENT_TIMEOUT_MS, rateLimits: options.slackRateLimits }),
      startFakeDiscord({ waitTimeoutMs: EVENT_TIMEOUT_MS, interactionDeadlineMs: 15_000 }),
    ]);
    const guildId = discord.addGuild({ name: "Chaos cohort" }).id;
    let proxy: TcpProxy | undefined;
    if (options.proxy) {
      const server = new URL(SERVER_URL);
      proxy = new TcpProxy(server.hostname, Number(server.port || 5432));
      await proxy.listen();
    }
    const clockDir = mkdtempSync(path.join(tmpdir(), "chaos-clock-"));
    const world = new World(name, slack, discord, guildId, admin, dbName, database, repos, clockDir, proxy, options.start);
    world.writeClock(options.start);
    return world;
  }

  get clockFile(): string {
    return path.join(this.clockDir, "now");
  }

  get now(): Date {
    return this.clockAt;
  }

  /** The database URL the bots use: through the proxy when the scenario cuts the database. */
  get botDatabaseUrl(): string {
    const direct = withDatabase(SERVER_URL, this.dbName);
    if (!this.proxy) return direct;
    const url = new URL(direct);
    url.host = `127.0.0.1:${this.proxy.port}`;
    return url.toString();
  }

  private writeClock(instant: Date): void {
    // Written aside and renamed, so a replica never reads half an instant.
    const tmp = `${this.clockFile}.tmp`;
    writeFileSync(tmp, instant.toISOString());
    renameSync(tmp, this.clockFile);
    this.clockAt = instant;
  }

  /** Moves the clock and resolves once every live replica finished a tick at the new instant. */
  async setClock(instant: Date): Promise<void> {
    this.writeClock(instant);
    await Promise.all(this.live().map((r) => r.tickedAt(instant, EVENT_TIMEOUT_MS)));
  }

  live(): Replica[] {
    return this.replicas.filter((r) => r.alive);
  }

  startReplica(options: ReplicaOptions = { slack: true }): Replica {
    const name = `${this.name}-r${++this.replicaSeq}`;
    const env: Record<string, string> = {
      DATABASE_URL: this.botDatabaseUrl,
      COACH_TEST_CLOCK_FILE: this.clockFile,
      QUESTIONS_DIR: path.join(repoRoot, "questions"),
    };
    if (options.slack ?? true) {
      // A token per replica: the fake records it, so the runner knows which replica made each call.
      Object.assign(env, { SLACK_BOT_TOKEN: `xoxb-${name}`, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: this.slack.url });
    }
    if (options.discord) {
      Object.assign(env, { DISCORD_TOKEN, DISCORD_APPLICATION_ID: this.discord.applicationId, DISCORD_API_URL: this.discord.apiUrl });
    }
    const replica = new Replica(name, env);
    this.replicas.push(replica);
    return replica;
  }

  async startReplicas(count: number, options?: ReplicaOptions): Promise<Replica[]> {
    const started = Array.from({ length: count }, () => this.startReplica(options));
    await Promise.all(started.map((r) => r.ready(START_TIMEOUT_MS)));
    return started;
  }

  /**
   * Delivers a signed Slack request like a load balancer: round robin over live
   * replicas, or to the one given. Returns the HTTP status, 0 when nothing answered.
   */
  async deliverSlack(kind: InboundKind, payload: Payload, options: { retryNum?: number; to?: Replica } = {}): Promise<number> {
    const targets = options.to ? [options.to] : this.live();
    for (let attempt = 0; attempt < targets.length; attempt++) {
      const replica = options.to ?? targets[this.roundRobin++ % targets.length]!;
      try {
        const response = await postToBolt(`${replica.url}/slack/events`, SIGNING_SECRET, kind, payload, {
          retryNum: options.retryNum,
          timeoutMs: 30_000,
        });
        return response.status;
      } catch {
        // Connection refused or reset: a load balancer moves on to the next replica.
      }
    }
    return 0;
  }

  async addSlackCohort(channelId: string, settings: ScheduleSettings, memberIds: readonly string[]): Promise<number> {
    this.slack.channels.addChannel({ id: channelId, name: channelId.toLowerCase(), members: [this.slack.botUserId, ...memberIds] });
    return this.addCohort({ platform: "slack", workspaceId: this.slack.teamId, channelId }, settings, `slack:${this.slack.teamId}:U0ADMIN`);
  }

  async addDiscordCohort(channelName: string, settings: ScheduleSettings): Promise<{ cohortId: number; channelId: string }> {
    const channelId = this.discord.addChannel(this.guildId, { name: channelName }).id;
    const cohortId = await this.addCohort({ platform: "discord", workspaceId: this.guildId, channelId }, settings, "discord:1");
    return { cohortId, channelId };
  }

  private async addCohort(address: CohortAddress, settings: ScheduleSettings, createdBy: string): Promise<number> {
    const { cohort } = await this.repos.cohorts.upsert(address, settings, createdBy, this.clockAt);
    return cohort.id;
  }

  addSlackUsers(prefix: string, count: number): string[] {
    return Array.from({ length: count }, (_, i) => {
      const id = `U${prefix}${String(i).padStart(4, "0")}`;
      this.slack.users.addUser({ id, name: id.toLowerCase(), realName: `Member ${prefix}${i}` });
      return id;
    });
  }

  /** Rows from the scenario's database (the runner's own connection, never through the proxy). */
  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const sql = postgres(withDatabase(SERVER_URL, this.dbName), { max: 1, onnotice: () => {} });
    try {
      return (await sql.unsafe(text, params as never[])) as unknown as T[];
    } finally {
      await sql.end();
    }
  }

  crashes(): Replica[] {
    return this.replicas.filter((r) => r.crashed);
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.stop()));
    await this.proxy?.close();
    await Promise.all([this.slack.close(), this.discord.close()]);
    await this.database.close();
    await this.admin.unsafe(`drop database if exists "${this.dbName}" with (force)`);
    await this.admin.end();
    rmSync(this.clockDir, { recursive: true, force: true });
  }
}

/** Runs a scenario in a fresh world and always tears it down, whatever the scenario throws. */
export interface WorldOptions {
  readonly start: Date;
  readonly proxy?: boolean;
  /** Slack's limits for the fake; none unless given. */
  readonly slackRateLimits?: SlackRateLimits;
}

export async function inWorld<T>(name: string, options: WorldOptions, run: (world: World) => Promise<T>): Promise<T> {
  const world = await World.create(name, options);
  try {
    return await run(world);
  } finally {
    await world.close();
  }
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = EVENT_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

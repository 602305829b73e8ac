import path from "node:path";
import { vi } from "vitest";
import type { AiSettings } from "../../src/core/ai/review-queue.ts";
import type { Clock } from "../../src/core/clock.ts";
import { Coach } from "../../src/core/coach.ts";
import type { Repositories } from "../../src/core/ports.ts";
import type { Database } from "../../src/db/client.ts";
import { createRepositories } from "../../src/db/repositories/index.ts";
import { startHttpServer, type HttpServer } from "../../src/http/server.ts";
import { createLogger } from "../../src/logger.ts";
import { MessengerRouter, type PlatformAdapter } from "../../src/platforms.ts";
import { loadQuestionBank } from "../../src/questions/loader.ts";
import { createSlackAdapter } from "../../src/slack/index.ts";
import { FixedClock } from "../fakes/core.ts";
import { blockActionsPayload, postToBolt, slashCommandPayload, startFakeSlack, viewSubmissionPayload, type FakeSlack, type Payload, type ResponseUrlPost } from "../fakes/slack/index.ts";
import type { TestDatabase } from "../support/databases.ts";

export const SIGNING_SECRET = "test-signing-secret-0123";
export const bank = loadQuestionBank(path.resolve(import.meta.dirname, "../../questions"));
/** Thursday 29 Oct 2026, 10:00 in New York: a posting day with the answer window open. */
export const START = "2026-10-29T14:00:00Z";

export const log = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

export interface Harness {
  fake: FakeSlack;
  database: Database;
  repos: Repositories;
  coach: Coach;
  clock: FixedClock;
  adapter: PlatformAdapter;
  server: HttpServer;
  url: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Stands between the engine and the database (an outage switch, a query counter). */
  readonly wrapRepos?: (repos: Repositories) => Repositories;
  /** What the adapter sees of the engine (main.ts gives it the retrying one). */
  readonly wrapCoach?: (coach: Coach) => Coach;
  /** An AI reviewer for the engine, or one built on the harness's clock; none by default, as in a bot without AI_* set. */
  readonly ai?: AiSettings | ((clock: Clock) => AiSettings);
}

export async function startHarness(target: TestDatabase, fake?: FakeSlack, options: HarnessOptions = {}): Promise<Harness> {
  const ownFake = fake ?? (await startFakeSlack());
  const database = await target.open();
  const repos = (options.wrapRepos ?? ((r) => r))(createRepositories(database.db));
  const clock = new FixedClock(new Date(START));
  await repos.questions.sync(bank, clock.now());
  const router = new MessengerRouter();
  const coach = new Coach({ repos, messenger: router, clock, log, ai: typeof options.ai === "function" ? options.ai(clock) : options.ai }, { timeZone: "America/New_York", postTime: "09:00" });
  const adapter = createSlackAdapter({
    config: { botToken: "xoxb-test", mode: { kind: "http", signingSecret: SIGNING_SECRET }, apiUrl: ownFake.url },
    coach: options.wrapCoach ? options.wrapCoach(coach) : coach,
    log,
    retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 },
    channelPaceMs: 20,
  });
  router.register(adapter.platform, adapter.messenger);
  const server = await startHttpServer({ port: 0, routes: adapter.routes, log });
  // On a loaded machine the first auth.test can fail; the bot retries on its own after 30 s,
  // the harness at once, so no test sends a request to a bot that still answers 503.
  for (let attempt = 0; attempt < 5 && !adapter.health().ready; attempt++) await adapter.start();
  if (!adapter.health().ready) throw new Error(`the bot never connected to the fake Slack: ${adapter.health().detail}`);
  return {
    fake: ownFake,
    database,
    repos,
    coach,
    clock,
    adapter,
    server,
    url: `http://127.0.0.1:${server.port}/slack/events`,
    async close() {
      await adapter.stop();
      await server.close();
      await database.close();
      if (!fake) await ownFake.close();
    },
  };
}

export async function waitForResponse(fake: FakeSlack, responseUrl: string, index = 0): Promise<ResponseUrlPost & { body: Payload }> {
  const id = responseUrl.split("/").at(-1);
  return vi.waitFor(
    () => {
      const found = fake.responses.filter((r) => r.id === id)[index];
      if (!found) throw new Error(`no response ${index} at ${responseUrl}`);
      return found as ResponseUrlPost & { body: Payload };
    },
    { timeout: 5_000, interval: 5 },
  );
}

/** Everything a user would read in a message: its text and all block text, flattened. */
export function readable(message: unknown): string {
  const parts: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === "string") parts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) if (key === "text" || key === "blocks" || key === "fields" || key === "elements") walk(inner);
    }
  };
  walk(message);
  return parts.join("\n");
}

export function buttons(blocks: unknown): { action_id: string; value: string; text: { text: string }; style?: string }[] {
  return ((blocks ?? []) as { type: string; elements?: unknown[] }[])
    .filter((b) => b.type === "actions")
    .flatMap((b) => (b.elements ?? []) as { action_id: string; value: string; text: { text: string }; style?: string }[]);
}

export class Driver {
  constructor(
    private readonly h: Harness,
    private readonly channel: string,
  ) {}

  /** Runs `/coach <text>` (or another command) and returns the private reply. */
  async command(userId: string, text: string, options: { command?: string; channel?: string } = {}) {
    const responseUrl = this.h.fake.responseUrl();
    const payload = slashCommandPayload({ user_id: userId, text, command: options.command ?? "/coach", channel_id: options.channel ?? this.channel, response_url: responseUrl });
    const acked = await postToBolt(this.h.url, SIGNING_SECRET, "command", payload);
    if (acked.status !== 200) throw new Error(`command not acked: ${acked.status}`);
    return (await waitForResponse(this.h.fake, responseUrl)).body;
  }

  /** Clicks a button; returns the ack and the response_url the reply (if any) goes to. */
  async click(userId: string, actionId: string, value: string, where: { channel?: string; ts?: string } = {}) {
    const responseUrl = this.h.fake.responseUrl();
    const payload = blockActionsPayload({
      actionId,
      value,
      userId,
      channelId: where.channel ?? this.channel,
      responseUrl,
      ...(where.ts ? { message: { type: "message", ts: where.ts, text: "", bot_id: this.h.fake.botId } } : {}),
    });
    const acked = await postToBolt(this.h.url, SIGNING_SECRET, "action", payload);
    return { status: acked.status, ms: acked.ms, responseUrl };
  }

  submitView(userId: string, callbackId: string, privateMetadata: string, values: Record<string, Record<string, Payload>>) {
    return postToBolt(this.h.url, SIGNING_SECRET, "view_submission", viewSubmissionPayload({ userId, callbackId, privateMetadata, values }));
  }
}

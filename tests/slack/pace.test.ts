import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { webApi } from "@slack/bolt";
import { createLogger } from "../../src/logger.ts";
import { AdaptiveRate, PostPace } from "../../src/slack/pace.ts";
import { SlotWindow } from "../../src/slot-window.ts";
import { SlackPoster } from "../../src/slack/poster.ts";

/** A task that answers after `ms` and records when it started. */
function recorder() {
  const started: { key: string; at: number }[] = [];
  const task = (key: string, ms: number) => () => {
    started.push({ key, at: Date.now() });
    return new Promise<string>((resolve) => setTimeout(() => resolve(key), ms));
  };
  return { started, task };
}

/** Most starts in any window of `windowMs` (a window ends at a start and reaches back just under `windowMs`). */
function mostInAnyWindow(times: number[], windowMs: number): number {
  return Math.max(...times.map((t) => times.filter((s) => s <= t && s > t - windowMs).length));
}

describe("SlotWindow", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("starts at most `limit` tasks in any window, counting each until a window after it answered", async () => {
    const window = new SlotWindow(3, 1_000);
    const { started, task } = recorder();
    const done = Promise.all(Array.from({ length: 9 }, (_, i) => window.run("w", task(`p${i}`, 100))));
    await vi.runAllTimersAsync();
    expect(await done).toHaveLength(9);
    const at = started.map((s) => s.at);
    // Three at once; the next three once the first answers (100 ms) plus a second, and so on.
    expect(at).toEqual([0, 0, 0, 1_101, 1_101, 1_101, 2_202, 2_202, 2_202]);
    // Even if every post arrived at Slack only as its answer came back, no second would see more than three.
    expect(mostInAnyWindow(at.map((t) => t + 100), 1_000)).toBe(3);
  });

  it("runs tasks in call order and keeps keys apart", async () => {
    const window = new SlotWindow(1, 1_000);
    const { started, task } = recorder();
    const runs = [window.run("a", task("a1", 10)), window.run("b", task("b1", 10)), window.run("a", task("a2", 10))];
    await vi.runAllTimersAsync();
    await Promise.all(runs);
    expect(started).toEqual([
      { key: "a1", at: 0 },
      { key: "b1", at: 0 },
      { key: "a2", at: 1_011 },
    ]);
  });

  it("frees the slot of a task that failed and passes its error on", async () => {
    const window = new SlotWindow(1, 0);
    const failed = window.run("k", () => Promise.reject(new Error("refused")));
    const next = window.run("k", () => Promise.resolve("ok"));
    await expect(failed).rejects.toThrow("refused");
    await expect(next).resolves.toBe("ok");
  });
});

describe("PostPace", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("posts to many channels at the workspace rate and to one channel once a second", async () => {
    const pace = new PostPace({ channelIntervalMs: 1_000, workspacePerSecond: 50 });
    const { started, task } = recorder();
    const posts = [
      ...Array.from({ length: 120 }, (_, i) => pace.run(`C${i}`, (send) => send(task(`C${i}`, 20), false))),
      pace.run("C0", (send) => send(task("C0-again", 20), false)),
    ];
    await vi.runAllTimersAsync();
    await Promise.all(posts);
    const at = started.map((s) => s.at);
    expect(mostInAnyWindow(at, 1_000)).toBe(50);
    // 121 posts at 50 a second (plus a round trip per second): done in a little over two seconds, not one round trip after another.
    expect(Math.max(...at)).toBeLessThan(2_200);
    const c0 = started.filter((s) => s.key.startsWith("C0")).map((s) => s.at);
    expect(c0[1]! - c0[0]!).toBeGreaterThanOrEqual(1_000);
  });
});

describe("AdaptiveRate", () => {
  it("halves on a refusal, at most once a window, grows back by one a window, and never drops below one", () => {
    let now = 0;
    const rate = new AdaptiveRate(50, 1_000, () => now);
    expect(rate.current()).toBe(50);
    expect(rate.tooFast()).toBe(25);
    expect(rate.tooFast()).toBeUndefined();
    expect(rate.current()).toBe(25);
    now = 999;
    rate.tooFast();
    expect(rate.current()).toBe(25);
    now = 1_000;
    expect(rate.current()).toBe(26);
    rate.tooFast();
    expect(rate.current()).toBe(13);
    now += 100_000;
    expect(rate.current()).toBe(50);
    for (let i = 0; i < 10; i++) {
      now += 1_000;
      rate.tooFast();
    }
    expect(rate.current()).toBe(1);
  });
});

/**
 * A stand-in for chat.postMessage behind a workspace limit the bot does not know: at
 * most `perSecond` posts in any second, the rest refused with a 429 and Retry-After 1.
 */
function limitedSlack(perSecond: number) {
  const accepted: { channel: string; at: number }[] = [];
  let refused = 0;
  const postMessage = async (args: { channel: string }) => {
    const now = Date.now();
    if (accepted.filter((p) => p.at > now - 1_000).length >= perSecond) {
      refused++;
      throw Object.assign(new Error("rate limited"), { code: webApi.ErrorCode.RateLimitedError, retryAfter: 1 });
    }
    accepted.push({ channel: args.channel, at: now });
    return { ok: true, channel: args.channel, ts: `${now}.000000` };
  };
  const client = { chat: { postMessage } } as unknown as webApi.WebClient;
  return { client, accepted, refused: () => refused };
}

describe("SlackPoster", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("posts a fan-out once each when the workspace allows fewer posts a second than the pace assumed, settling near the real limit", async () => {
    const slack = limitedSlack(10);
    const warnings: { msg: string; postsPerSecond: number }[] = [];
    const log = createLogger("warn", { write: (line: string) => void warnings.push(JSON.parse(line) as (typeof warnings)[number]) });
    const poster = new SlackPoster(slack.client, webApi.retryPolicies.fiveRetriesInFiveMinutes, new PostPace({ channelIntervalMs: 1_000, workspacePerSecond: 50 }), log);
    const channels = Array.from({ length: 100 }, (_, i) => `C${i}`);
    const posts = Promise.allSettled(channels.map((channel) => poster.post({ channel, text: "Today's question" })));
    await vi.runAllTimersAsync();
    const results = await posts;
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(slack.accepted.map((p) => p.channel).sort()).toEqual([...channels].sort());
    // At ten a second 100 posts need ten seconds; the last lands at 11 s. Backing off on
    // each 429 as on a fault landed it at 24 s after 136 refusals, and in a bigger
    // fan-out ran some posts out of retries.
    expect(Math.max(...slack.accepted.map((p) => p.at))).toBeLessThan(15_000);
    // The rate comes down to the limit instead of each retry round drawing 429s again.
    expect(slack.refused()).toBeLessThan(100);
    // The organizer's log says so once per cut, naming the rate, not once per 429; the last
    // cut leaves the rate under the real limit.
    expect(warnings[0]!.msg).toBe("Slack answered a post with 429: posting at 25 a second for now");
    expect(warnings.length).toBeLessThan(6);
    expect(warnings.at(-1)!.postsPerSecond).toBeLessThanOrEqual(10);
  });

  it("stops at the fence when a refused post's step was retaken meanwhile", async () => {
    const slack = limitedSlack(0);
    const poster = new SlackPoster(slack.client, webApi.retryPolicies.fiveRetriesInFiveMinutes, new PostPace({ channelIntervalMs: 1_000, workspacePerSecond: 50 }), createLogger("silent"));
    let attempts = 0;
    const fence = async () => {
      if (++attempts > 2) throw new Error("retaken");
    };
    const post = poster.post({ channel: "C1", text: "Today's question" }, fence).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await post).toEqual(new Error("retaken"));
    expect(slack.refused()).toBe(2);
  });
});

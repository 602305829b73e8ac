import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PostPace, SlotWindow } from "../../src/slack/pace.ts";

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
      ...Array.from({ length: 120 }, (_, i) => pace.run(`C${i}`, task(`C${i}`, 20))),
      pace.run("C0", task("C0-again", 20)),
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

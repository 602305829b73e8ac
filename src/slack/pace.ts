/**
 * At most `limit` tasks per key in any `windowMs`, started in call order. A task holds
 * its slot from the moment it starts until `windowMs` after it settles: Slack counts a
 * post when it arrives, somewhere between our send and its answer, so a slot that only
 * frees a full window after the answer keeps Slack's count within the limit however the
 * network or a busy event loop shifts arrivals. (Freeing it a window after the send, as
 * a plain rate would, lets a delayed post and a prompt one land in the same second and
 * draw a 429, which costs a whole Retry-After second.) The price is one round trip per
 * window, a few percent of the rate.
 */
export class SlotWindow {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const state = this.keys.get(key) ?? this.keys.set(key, { running: 0, settled: [], waiting: [] }).get(key)!;
    return new Promise<T>((resolve, reject) => {
      state.waiting.push(() => {
        state.running++;
        // A task that throws synchronously settles like one that rejects.
        void Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            state.running--;
            state.settled.push(this.now());
            this.pump(key, state);
          });
      });
      this.pump(key, state);
    });
  }

  private pump(key: string, state: KeyState): void {
    const since = this.now() - this.windowMs;
    while (state.settled.length > 0 && state.settled[0]! <= since) state.settled.shift();
    while (state.waiting.length > 0 && state.running + state.settled.length < this.limit) state.waiting.shift()!();
    clearTimeout(state.timer);
    state.timer = undefined;
    if (state.waiting.length > 0) {
      // Blocked by slots still cooling down: look again when the oldest frees (a running task pumps when it settles).
      if (state.settled.length > 0) state.timer = setTimeout(() => this.pump(key, state), state.settled[0]! + this.windowMs - this.now() + 1);
    } else if (state.running === 0) {
      // Idle keys are forgotten once their last slot frees, so the map does not grow with every DM ever sent.
      if (state.settled.length === 0) this.keys.delete(key);
      else state.timer = setTimeout(() => this.pump(key, state), state.settled.at(-1)! + this.windowMs - this.now() + 1).unref();
    }
  }
}

interface KeyState {
  running: number;
  /** When each recent task settled, oldest first; each holds a slot for one window. */
  settled: number[];
  waiting: (() => void)[];
  timer?: NodeJS.Timeout | undefined;
}

/**
 * Slack's chat.postMessage limits for one workspace (one bot token is one workspace):
 * about one message per second per channel, and a workspace-wide rate that Slack
 * enforces but does not publish (SLACK_POSTS_PER_SECOND).
 * Posts to one channel go out in call order, one per second; posts to different
 * channels share the workspace's slots, so a fan-out runs at the workspace rate instead
 * of overshooting it and waiting out 429s. A 429 that still comes back is waited out
 * inside the post's slots (SlackPoster).
 */
export class PostPace {
  private readonly channels: SlotWindow;
  private readonly workspace: SlotWindow;

  constructor(options: { readonly channelIntervalMs: number; readonly workspacePerSecond: number; readonly now?: () => number }) {
    this.channels = new SlotWindow(1, options.channelIntervalMs, options.now);
    this.workspace = new SlotWindow(options.workspacePerSecond, 1_000, options.now);
  }

  /** Channel first, then the workspace: a post waiting on its channel does not hold a workspace slot. */
  run<T>(channel: string, task: () => Promise<T>): Promise<T> {
    return this.channels.run(channel, () => this.workspace.run("", task));
  }
}

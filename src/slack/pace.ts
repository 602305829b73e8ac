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
    /** Slots per window; a function when the limit moves (AdaptiveRate). */
    private readonly limit: number | (() => number),
    private readonly windowMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** `first` puts the task ahead of those waiting: a retry that already waited its turn once. */
  run<T>(key: string, task: () => Promise<T>, first = false): Promise<T> {
    const state = this.keys.get(key) ?? this.keys.set(key, { running: 0, settled: [], waiting: [] }).get(key)!;
    return new Promise<T>((resolve, reject) => {
      state.waiting[first ? "unshift" : "push"](() => {
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
    const limit = typeof this.limit === "number" ? this.limit : this.limit();
    while (state.waiting.length > 0 && state.running + state.settled.length < limit) state.waiting.shift()!();
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
 * A rate that halves when the other side says it was too fast and grows back by one a
 * window while it does not (additive increase, multiplicative decrease, as TCP does), so
 * a sender set above a limit it cannot see settles just under it within a few windows.
 * Several senders sharing the limit (replicas) each settle on a share of it. A burst of
 * refusals answers one burst of sends, so the rate is cut at most once a window.
 */
export class AdaptiveRate {
  private base: number;
  private cutAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.base = max;
  }

  current(): number {
    const grown = Math.floor((this.now() - this.cutAt) / this.windowMs);
    return Math.min(this.max, this.base + grown);
  }

  /** The other side refused a send for its rate; returns the new rate if this refusal cut it. */
  tooFast(): number | undefined {
    const now = this.now();
    if (now - this.cutAt < this.windowMs) return undefined;
    this.base = Math.max(1, Math.floor(this.current() / 2));
    this.cutAt = now;
    return this.base;
  }
}

/**
 * Slack's chat.postMessage limits for one workspace (one bot token is one workspace):
 * about one message per second per channel, and a workspace-wide rate that Slack
 * enforces but does not publish (SLACK_POSTS_PER_SECOND, the most this bot sends).
 * Posts to one channel go out in call order, one per second; posts to different
 * channels share the workspace's slots, so a fan-out runs at the workspace rate instead
 * of overshooting it and waiting out 429s. Each attempt of a post takes a workspace slot
 * of its own, and a 429 halves the workspace rate (AdaptiveRate), so when the real limit
 * is lower than the setting the retries come back spread over the slots it allows rather
 * than all at once when the Retry-After ends, which would draw 429s again.
 */
export class PostPace {
  private readonly channels: SlotWindow;
  private readonly workspace: SlotWindow;
  private readonly workspaceRate: AdaptiveRate;

  constructor(options: { readonly channelIntervalMs: number; readonly workspacePerSecond: number; readonly now?: () => number }) {
    this.channels = new SlotWindow(1, options.channelIntervalMs, options.now);
    this.workspaceRate = new AdaptiveRate(options.workspacePerSecond, 1_000, options.now);
    this.workspace = new SlotWindow(() => this.workspaceRate.current(), 1_000, options.now);
  }

  /**
   * Runs `post` in its channel's turn (the channel waits for all of its attempts); `post`
   * sends each attempt through `send`, which takes a workspace slot for it. A retry goes
   * ahead of the posts still waiting for their first attempt.
   */
  run<T>(channel: string, post: (send: <R>(attempt: () => Promise<R>, retry: boolean) => Promise<R>) => Promise<T>): Promise<T> {
    return this.channels.run(channel, () => post((attempt, retry) => this.workspace.run("", attempt, retry)));
  }

  /** Slack answered a post with 429; returns the workspace's new rate if this 429 cut it. */
  rateLimited(): number | undefined {
    return this.workspaceRate.tooFast();
  }
}

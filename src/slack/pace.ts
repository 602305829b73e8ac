import { SlotWindow } from "../slot-window.ts";

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

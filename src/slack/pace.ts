/**
 * Slack allows about one message per second per channel (bursts are tolerated, then
 * 429). Posts to one channel wait their turn; different channels do not wait for each
 * other. 429s that still happen are retried by WebClient after Retry-After.
 */
export class ChannelPace {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly lastStart = new Map<string, number>();

  constructor(private readonly intervalMs = 1_000) {}

  run<T>(channel: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(channel) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const wait = (this.lastStart.get(channel) ?? 0) + this.intervalMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastStart.set(channel, Date.now());
        return task();
      });
    this.tails.set(channel, next);
    // Forget idle channels so the map does not grow with every DM ever sent.
    void next.finally(() => {
      if (this.tails.get(channel) === next) this.tails.delete(channel);
    }).catch(() => undefined);
    return next;
  }
}

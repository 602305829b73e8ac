/**
 * At most `limit` tasks per key in any `windowMs`, started in call order. A task holds
 * its slot from the moment it starts until `windowMs` after it settles: Slack and Discord
 * count a request when it arrives, somewhere between our send and its answer, so a slot
 * that only frees a full window after the answer keeps their count within the limit
 * however the network or a busy event loop shifts arrivals. (Freeing it a window after
 * the send, as a plain rate would, lets a delayed post and a prompt one land in the same
 * second and draw a 429, which costs a whole Retry-After second.) The price is one round
 * trip per window, a few percent of the rate.
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

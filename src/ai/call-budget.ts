import type { Clock } from "../core/clock.ts";

const MINUTE_MS = 60_000;
/** An endpoint asking for a longer pause than this is treated as asking for this long. */
const MAX_PAUSE_MS = 10 * MINUTE_MS;

/**
 * At most `perMinute` calls in any sliding minute, plus a pause an endpoint's 429 asked for.
 * Over budget a call is refused at once rather than queued: a review is optional, and a
 * queue would hold answers (and their text) in memory for as long as the backlog lasts.
 */
export class CallBudget {
  private readonly calls: number[] = [];
  private pausedUntil = 0;

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  /** Takes a slot, or says how long until one frees up. */
  take(): { readonly ok: true } | { readonly ok: false; readonly waitMs: number; readonly why: "budget" | "paused" } {
    const now = this.clock.now().getTime();
    if (now < this.pausedUntil) return { ok: false, waitMs: this.pausedUntil - now, why: "paused" };
    while (this.calls.length && this.calls[0]! <= now - MINUTE_MS) this.calls.shift();
    if (this.calls.length >= this.perMinute) return { ok: false, waitMs: this.calls[0]! + MINUTE_MS - now, why: "budget" };
    this.calls.push(now);
    return { ok: true };
  }

  /** The endpoint said 429 with Retry-After: no call goes out before then. */
  pauseFor(ms: number): void {
    const until = this.clock.now().getTime() + Math.min(Math.max(ms, 0), MAX_PAUSE_MS);
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }
}

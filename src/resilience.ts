import type { Coach } from "./core/coach.ts";
import { CoachingError } from "./core/errors.ts";
import type { Logger } from "./logger.ts";

/**
 * Error codes meaning "the database could not be reached or asked us to try again",
 * from postgres.js (its own codes and the socket's errno), and PostgreSQL SQLSTATEs of
 * classes 08 (connection), 57P (shutdown) and 40 (serialisation, deadlock).
 */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "CONNECTION_ENDED",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "40001",
  "40P01",
]);

export function isTransientDatabaseError(error: unknown): boolean {
  // Drizzle wraps the driver's error as `cause`; follow the chain a few links.
  for (let link = error, depth = 0; link && typeof link === "object" && depth < 5; link = (link as { cause?: unknown }).cause, depth++) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === "string" && (TRANSIENT_CODES.has(code) || code.startsWith("08"))) return true;
  }
  return false;
}

/** What a member hears when their work could not be stored within the retry budget. */
export const NOT_RECORDED =
  "Our database is unavailable right now, so this was NOT recorded. Please send it again in a few minutes.";

export interface RetryOptions {
  /** How long one piece of work keeps being retried before the member is told. */
  readonly budgetMs: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { budgetMs: 60_000, firstDelayMs: 250, maxDelayMs: 5_000 };

/**
 * Retries platform work that failed because the database was unreachable after the
 * platform was already told "received" (Slack and Discord will not send it again).
 * Each piece of work waits in this process with exponential backoff for a bounded
 * time; every engine call is idempotent, so running one again is safe. While anything
 * waits, `/healthz` reports degraded.
 */
export class Retrier {
  private waiting = 0;
  private lastGiveUpAt = 0;

  constructor(
    private readonly log: Logger,
    private readonly options: RetryOptions = DEFAULT_RETRY,
  ) {}

  /** Work waiting for the database right now. */
  get pending(): number {
    return this.waiting;
  }

  /** Degraded while work waits, and for one budget after work was given up. */
  get degraded(): boolean {
    return this.waiting > 0 || (this.lastGiveUpAt > 0 && Date.now() - this.lastGiveUpAt < this.options.budgetMs);
  }

  async run<T>(label: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    let delay = this.options.firstDelayMs;
    let attempt = 1;
    for (;;) {
      try {
        const result = await work();
        if (attempt > 1) this.log.info({ work: label, attempts: attempt }, "database back: retried work recorded");
        return result;
      } catch (error) {
        if (!isTransientDatabaseError(error)) throw error;
        if (Date.now() - started + delay > this.options.budgetMs) {
          this.lastGiveUpAt = Date.now();
          this.log.error({ err: error, work: label, attempts: attempt }, "database unavailable: work not recorded; the member was told");
          throw new CoachingError("not-recorded", NOT_RECORDED, { cause: error });
        }
        this.log.warn({ work: label, attempt, retryInMs: delay, code: codeOf(error) }, "database unavailable: retrying accepted work");
        this.waiting++;
        try {
          await new Promise((resolve) => setTimeout(resolve, delay));
        } finally {
          this.waiting--;
        }
        delay = Math.min(delay * 2, this.options.maxDelayMs);
        attempt++;
      }
    }
  }
}

function codeOf(error: unknown): string | undefined {
  for (let link = error, depth = 0; link && typeof link === "object" && depth < 5; link = (link as { cause?: unknown }).cause, depth++) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/**
 * The engine as the adapters see it: every call retried through `retrier` when the
 * database blips. The minute tick keeps the plain engine: a failed step is retaken by
 * a later tick anyway, and it must not hold the tick for a whole budget.
 */
export function resilientCoach(coach: Coach, retrier: Retrier): Coach {
  return new Proxy(coach, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "tick" || property === "parseSchedule") return value;
      return (...args: unknown[]) => retrier.run(String(property), () => Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)));
    },
  });
}

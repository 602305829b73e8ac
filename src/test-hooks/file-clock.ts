import { readFileSync } from "node:fs";
import type { Clock } from "../core/clock.ts";

/**
 * TEST HOOK ONLY (COACH_TEST_CLOCK_FILE, honoured only with NODE_ENV=test): the chaos
 * suite drives real bot processes through days, DST changes and outages without waiting
 * for them. The file holds one ISO instant; the clock stands still at it until the file
 * changes, and each change triggers a tick so the runner decides exactly when time moves.
 * The file is re-read on a short interval rather than watched: fs.watch loses a file that
 * is replaced by rename, and watchFile misses a change made before its first stat.
 */
export interface FileClock extends Clock {
  /** Called after every change of the instant in the file. */
  onChange(listener: () => void): void;
  stop(): void;
}

const POLL_MS = 100;

export function fileClock(path: string): FileClock {
  let current = readInstant(path);
  const listeners: (() => void)[] = [];
  const poll = setInterval(() => {
    let next: Date;
    try {
      next = readInstant(path);
    } catch {
      return; // replaced or half-written; the next poll sees the whole file
    }
    if (next.getTime() === current.getTime()) return;
    current = next;
    for (const listener of listeners) listener();
  }, POLL_MS);
  poll.unref();
  return {
    now: () => new Date(current),
    onChange: (listener) => listeners.push(listener),
    stop: () => clearInterval(poll),
  };
}

function readInstant(path: string): Date {
  const text = readFileSync(path, "utf8").trim();
  const instant = new Date(text);
  if (Number.isNaN(instant.getTime())) throw new Error(`${path} does not hold an ISO instant: ${JSON.stringify(text)}`);
  return instant;
}

import cron from "node-cron";
import type { Logger } from "../logger.ts";

export interface Ticker {
  /** Ticks now; if a tick is running, once more right after it, so a newer instant is never missed. */
  runNow(): Promise<void>;
  /** Stops future ticks and waits for a running one to finish. */
  stop(): Promise<void>;
}

/**
 * One tick a minute; the engine decides what is due in each cohort's own zone, so
 * there is no per-cohort cron task to keep in sync. Ticks never overlap within a
 * process; the database claims make overlapping replicas safe anyway.
 */
export function startMinuteTick(tick: () => Promise<unknown>, log: Logger, name = "cohort-coach-tick"): Ticker {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await tick().catch((error: unknown) => log.error({ err: error, tick: name }, "tick failed"));
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };
  const task = cron.schedule("* * * * *", run, { name, noOverlap: true });
  return {
    runNow: run,
    async stop() {
      await task.stop();
      await running;
    },
  };
}

import cron from "node-cron";
import type { Logger } from "../logger.ts";

export interface Ticker {
  /** Stops future ticks and waits for a running one to finish. */
  stop(): Promise<void>;
}

/**
 * One tick a minute; the engine decides what is due in each cohort's own zone, so
 * there is no per-cohort cron task to keep in sync. noOverlap keeps a slow tick from
 * stacking up; the database claims make overlapping replicas safe anyway.
 */
export function startMinuteTick(tick: () => Promise<unknown>, log: Logger): Ticker {
  let running: Promise<unknown> | undefined;
  const task = cron.schedule(
    "* * * * *",
    () => {
      running = tick().catch((error: unknown) => log.error({ err: error }, "tick failed"));
      return running;
    },
    { name: "cohort-coach-tick", noOverlap: true },
  );
  return {
    async stop() {
      await task.stop();
      await running;
    },
  };
}

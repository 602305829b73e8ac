import type { AiSettings } from "./ai/review-queue.ts";
import type { Clock } from "./clock.ts";
import type { Messenger } from "./messages.ts";
import type { Repositories } from "./ports.ts";

/** Logging the core needs; pino satisfies it, tests pass a silent one. */
export interface CoreLog {
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

export interface CoachDeps {
  readonly repos: Repositories;
  readonly messenger: Messenger;
  readonly clock: Clock;
  readonly log: CoreLog;
  /**
   * The AI reviewer, when the bot has one (AI_BASE_URL and AI_MODEL set). Undefined turns
   * every AI path off: nothing is queued and no AI query runs.
   */
  readonly ai?: AiSettings;
}

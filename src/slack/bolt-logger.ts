import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../logger.ts";

const rank: Record<LogLevel, number> = { [LogLevel.DEBUG]: 0, [LogLevel.INFO]: 1, [LogLevel.WARN]: 2, [LogLevel.ERROR]: 3 };

/**
 * Bolt's logger interface over our pino logger. Bolt calls debug() with whole request
 * bodies on every request, so nothing is formatted unless the level lets it through:
 * eager formatting cost about 40 ms per click before the ack.
 */
/** Failures our connection check names in its own line, with the fix; Bolt's wording would only repeat it. */
const reportedByUs = [/^Failed to retrieve a new WSS URL/];

export function boltLogger(log: Logger, initial: LogLevel = LogLevel.WARN): BoltLogger {
  let level = initial;
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === "string" ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(" ");
  const emit = (at: LogLevel, pinoLevel: "debug" | "info" | "warn" | "error", parts: unknown[]) => {
    if (rank[at] < rank[level] || !log.isLevelEnabled(pinoLevel)) return;
    const line = text(parts);
    if (reportedByUs.some((pattern) => pattern.test(line))) return log.debug({ source: "bolt" }, line);
    log[pinoLevel]({ source: "bolt" }, line);
  };
  return {
    debug: (...msg) => emit(LogLevel.DEBUG, "debug", msg),
    info: (...msg) => emit(LogLevel.INFO, "info", msg),
    warn: (...msg) => emit(LogLevel.WARN, "warn", msg),
    error: (...msg) => emit(LogLevel.ERROR, "error", msg),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

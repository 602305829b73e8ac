import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Secrets live in config and in platform payloads; these paths cover both so a
 * careless `log.info({ config })` or a logged request never prints a token.
 */
const redactedPaths = [
  "token",
  "*.token",
  "*.*.token",
  "botToken",
  "*.botToken",
  "*.*.botToken",
  "appToken",
  "*.appToken",
  "*.*.appToken",
  "signingSecret",
  "*.signingSecret",
  "*.*.signingSecret",
  "*.*.*.signingSecret",
  "*.*.*.appToken",
  "apiKey",
  "*.apiKey",
  "*.*.apiKey",
  "url",
  "*.url",
  "*.*.url",
  "headers.authorization",
  "*.headers.authorization",
  'headers["x-slack-signature"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "cohort-coach" },
      redact: { paths: redactedPaths, censor: "[redacted]" },
    },
    destination,
  );
}

/**
 * Human-readable lines (LOG_FORMAT=pretty, the default on a terminal) through pino's own
 * prettifier, loaded only when asked for. Synchronous, so the last lines before an exit
 * are not lost.
 */
export async function prettyDestination(colorize: boolean): Promise<DestinationStream> {
  const { default: pretty } = await import("pino-pretty");
  return pretty({ colorize, sync: true, translateTime: "SYS:HH:MM:ss.l", singleLine: true, ignore: "pid,hostname,service" });
}

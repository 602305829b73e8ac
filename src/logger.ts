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

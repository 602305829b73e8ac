import { IANAZone } from "luxon";
import { z } from "zod";

/** Empty strings count as unset, so `FOO=` in a .env file behaves like a missing FOO. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((value) => (value === "" || value === undefined ? fallback : value), schema);

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
    message: "expected a postgres:// or postgresql:// URL",
  });

const httpUrl = z.string().refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
  message: "expected an http:// or https:// URL",
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a time as HH:MM");

const envSchema = z
  .object({
    DATABASE_URL: optional(postgresUrl),
    DATA_DIR: withDefault(z.string(), "./data"),
    PORT: withDefault(z.coerce.number().int().min(0).max(65535), "3000"),
    LOG_FORMAT: optional(z.enum(["json", "pretty"])),
    LOG_LEVEL: withDefault(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]), "info"),
    QUESTIONS_DIR: withDefault(z.string(), "./questions"),
    DEFAULT_TIME_ZONE: withDefault(
      // luxon asks the runtime's ICU, which knows current names (Asia/Kolkata, Europe/Kyiv)
      // that Node 20's Intl.supportedValuesOf leaves out.
      z.string().refine((zone) => IANAZone.isValidZone(zone), {
        message: "expected an IANA time zone such as America/New_York or Asia/Kolkata",
      }),
      "America/New_York",
    ),
    DEFAULT_POST_TIME: withDefault(hhmm, "09:00"),
    SLACK_BOT_TOKEN: optional(z.string().startsWith("xoxb-", "expected a bot token starting with xoxb-")),
    SLACK_APP_TOKEN: optional(z.string().startsWith("xapp-", "expected an app-level token starting with xapp-")),
    SLACK_SIGNING_SECRET: optional(z.string().min(8, "expected the app's signing secret")),
    SLACK_API_URL: optional(httpUrl),
    SLACK_HISTORY_READS_PER_MINUTE: withDefault(z.coerce.number().int().min(1).max(1_000), "50"),
    SLACK_POSTS_PER_SECOND: withDefault(z.coerce.number().int().min(1).max(1_000), "50"),
    DISCORD_TOKEN: optional(z.string().min(20, "expected a bot token")),
    DISCORD_APPLICATION_ID: optional(z.string().regex(/^\d{5,25}$/, "expected a numeric application id")),
    DISCORD_API_URL: optional(httpUrl),
    DISCORD_GUILD_ID: optional(z.string().regex(/^\d{5,25}$/, "expected a numeric guild id")),
    DISCORD_SHARD_COUNT: optional(z.coerce.number().int().min(1).max(100_000)),
    DISCORD_SHARD_IDS: optional(
      z
        .string()
        .regex(/^\d+(\s*,\s*\d+)*$/, "expected shard ids separated by commas, e.g. 0,1")
        .transform((value) => [...new Set(value.split(",").map((id) => Number(id.trim())))].sort((a, b) => a - b)),
    ),
    NODE_ENV: optional(z.string()),
    COACH_TEST_CLOCK_FILE: optional(z.string()),
    PRACTICE_ROOM: optional(z.enum(["on", "off"], "expected on or off")),
    HOST: optional(z.union([z.ipv4(), z.ipv6()], "expected an IP address to listen on, such as 127.0.0.1 or 0.0.0.0")),
    PUBLIC_URL: optional(httpUrl),
    AI_BASE_URL: optional(httpUrl),
    AI_MODEL: optional(z.string().trim().min(1)),
    AI_API_KEY: optional(z.string()),
    AI_TIMEOUT_MS: withDefault(z.coerce.number().int().min(100).max(600_000), "20000"),
    AI_CALLS_PER_MINUTE: withDefault(z.coerce.number().int().min(1).max(10_000), "20"),
    AI_DAILY_CAP_PER_COHORT: withDefault(z.coerce.number().int().min(1).max(1_000_000), "200"),
  })
  .superRefine((env, ctx) => {
    if (env.COACH_TEST_CLOCK_FILE && env.NODE_ENV !== "test") {
      ctx.addIssue({
        code: "custom",
        path: ["COACH_TEST_CLOCK_FILE"],
        message: "is a test hook that replaces the real clock; it is refused unless NODE_ENV=test",
      });
    }
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_SIGNING_SECRET"],
        message: "required for HTTP mode when SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN (Socket Mode)",
      });
    }
    if ((env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET) && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["SLACK_BOT_TOKEN"], message: "required when other SLACK_ variables are set" });
    }
    if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) {
      ctx.addIssue({ code: "custom", path: ["DISCORD_APPLICATION_ID"], message: "required when DISCORD_TOKEN is set" });
    }
    if (env.DISCORD_SHARD_IDS && env.DISCORD_SHARD_COUNT === undefined) {
      ctx.addIssue({ code: "custom", path: ["DISCORD_SHARD_COUNT"], message: "required when DISCORD_SHARD_IDS is set" });
    }
    const outOfRange = env.DISCORD_SHARD_IDS?.filter((id) => env.DISCORD_SHARD_COUNT !== undefined && id >= env.DISCORD_SHARD_COUNT);
    if (outOfRange?.length) {
      ctx.addIssue({ code: "custom", path: ["DISCORD_SHARD_IDS"], message: `shard ids must be below DISCORD_SHARD_COUNT (${env.DISCORD_SHARD_COUNT}); got ${outOfRange.join(", ")}` });
    }
    if (env.AI_BASE_URL && !env.AI_MODEL) {
      ctx.addIssue({ code: "custom", path: ["AI_MODEL"], message: "required when AI_BASE_URL is set (the model name the endpoint serves, e.g. gpt-4o-mini or llama3.1)" });
    }
    if (!env.AI_BASE_URL && (env.AI_MODEL || env.AI_API_KEY)) {
      ctx.addIssue({ code: "custom", path: ["AI_BASE_URL"], message: "required when AI_MODEL or AI_API_KEY is set (leave every AI_ variable unset to keep the AI reviewer off)" });
    }
    if (env.DISCORD_APPLICATION_ID && !env.DISCORD_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["DISCORD_TOKEN"], message: "required when DISCORD_APPLICATION_ID is set" });
    }
  });

type Env = z.output<typeof envSchema>;

/** Every variable start-up reads, so documentation and `.env.example` can be checked against it. */
export const configVariables: readonly string[] = Object.keys(envSchema.shape);

export interface SlackConfig {
  readonly botToken: string;
  readonly mode: { readonly kind: "socket"; readonly appToken: string } | { readonly kind: "http"; readonly signingSecret: string };
  readonly apiUrl: string | undefined;
  /**
   * conversations.history + conversations.replies calls allowed per workspace per minute:
   * 50 fits Tier 3 (an app a workspace builds for itself); use 1 for a commercially
   * distributed app outside the Slack Marketplace.
   */
  readonly historyReadsPerMinute?: number;
  /** chat.postMessage calls per second across the workspace (Slack enforces one but publishes no figure). */
  readonly postsPerSecond?: number;
}

export interface DiscordConfig {
  readonly token: string;
  readonly applicationId: string;
  readonly apiUrl: string | undefined;
  readonly guildId: string | undefined;
  /** Gateway shards this replica runs; undefined lets discord.js run one shard (its default). */
  readonly sharding?: { readonly count: number; readonly ids: readonly number[] };
}

/** The optional AI reviewer (issue 15): any OpenAI-compatible chat-completions endpoint. */
export interface AiConfig {
  /** e.g. https://api.openai.com/v1, or http://127.0.0.1:11434/v1 for Ollama. */
  readonly baseUrl: string;
  readonly model: string;
  /** Secret: sent only as the bearer token, never logged. Local servers usually need none. */
  readonly apiKey: string | undefined;
  /** Per call to the endpoint. */
  readonly timeoutMs: number;
  /** Calls to the endpoint in any sliding minute, across all cohorts of this process. */
  readonly callsPerMinute: number;
  /** AI reviews per cohort per day; enforced by the daily loop, not by the client. */
  readonly dailyCapPerCohort: number;
}

export interface Config {
  readonly database: { readonly kind: "postgres"; readonly url: string } | { readonly kind: "pglite"; readonly dataDir: string };
  readonly port: number;
  readonly logLevel: Env["LOG_LEVEL"];
  /** Unset: pretty on a terminal, JSON otherwise. */
  readonly logFormat: Env["LOG_FORMAT"];
  readonly questionsDir: string;
  readonly defaults: { readonly timeZone: string; readonly postTime: string };
  readonly slack: SlackConfig | undefined;
  readonly discord: DiscordConfig | undefined;
  /** Test hook (NODE_ENV=test only): a file holding the instant the clock stands at. */
  readonly testClockFile: string | undefined;
  readonly web: {
    /** The solo practice room at /: on by default only when no platform is configured. */
    readonly practiceRoom: boolean;
    /** Where the HTTP server listens: loopback while the practice room is on, unless HOST says otherwise. */
    readonly host: string;
    /** Base of the cohort page links the bots hand out, without a trailing slash. */
    readonly publicUrl: string;
  };
  /** Undefined (the default) keeps the AI reviewer off: nothing is sent anywhere. */
  readonly ai: AiConfig | undefined;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Parses the environment once. Throws a ConfigError whose message is one line per
 * problem, each naming the variable, so start-up can print it and exit.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new ConfigError(lines.join("\n"));
  }
  const env = parsed.data;
  const hasPlatform = Boolean(env.SLACK_BOT_TOKEN || env.DISCORD_TOKEN);
  const practiceRoom = env.PRACTICE_ROOM ? env.PRACTICE_ROOM === "on" : !hasPlatform;
  return {
    database: env.DATABASE_URL ? { kind: "postgres", url: env.DATABASE_URL } : { kind: "pglite", dataDir: env.DATA_DIR },
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    questionsDir: env.QUESTIONS_DIR,
    defaults: { timeZone: env.DEFAULT_TIME_ZONE, postTime: env.DEFAULT_POST_TIME },
    slack: env.SLACK_BOT_TOKEN
      ? {
          botToken: env.SLACK_BOT_TOKEN,
          mode: env.SLACK_APP_TOKEN
            ? { kind: "socket", appToken: env.SLACK_APP_TOKEN }
            : { kind: "http", signingSecret: env.SLACK_SIGNING_SECRET ?? "" },
          apiUrl: env.SLACK_API_URL,
          historyReadsPerMinute: env.SLACK_HISTORY_READS_PER_MINUTE,
          postsPerSecond: env.SLACK_POSTS_PER_SECOND,
        }
      : undefined,
    discord:
      env.DISCORD_TOKEN && env.DISCORD_APPLICATION_ID
        ? {
            token: env.DISCORD_TOKEN,
            applicationId: env.DISCORD_APPLICATION_ID,
            apiUrl: env.DISCORD_API_URL,
            guildId: env.DISCORD_GUILD_ID,
            ...(env.DISCORD_SHARD_COUNT === undefined
              ? {}
              : { sharding: { count: env.DISCORD_SHARD_COUNT, ids: env.DISCORD_SHARD_IDS ?? Array.from({ length: env.DISCORD_SHARD_COUNT }, (_, i) => i) } }),
          }
        : undefined,
    testClockFile: env.COACH_TEST_CLOCK_FILE,
    web: {
      practiceRoom,
      // Slack's HTTP mode needs the outside world; the practice room has no accounts, so it stays on this machine.
      host: env.HOST ?? (practiceRoom ? "127.0.0.1" : "0.0.0.0"),
      publicUrl: (env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, ""),
    },
    ai:
      env.AI_BASE_URL && env.AI_MODEL
        ? {
            baseUrl: env.AI_BASE_URL,
            model: env.AI_MODEL,
            apiKey: env.AI_API_KEY,
            timeoutMs: env.AI_TIMEOUT_MS,
            callsPerMinute: env.AI_CALLS_PER_MINUTE,
            dailyCapPerCohort: env.AI_DAILY_CAP_PER_COHORT,
          }
        : undefined,
  };
}

/**
 * For command-line scripts: reads `.env` when present (as start-up does) and parses the
 * environment, or prints the problem naming the variable and exits 1.
 */
export function loadScriptConfig(): Config {
  try {
    process.loadEnvFile(".env");
  } catch {
    // No .env: the environment alone is fine.
  }
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Invalid configuration: ${error.message.replaceAll("\n", "; ")}`);
    process.exit(1);
  }
}
